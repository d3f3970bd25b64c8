import type { Sample } from "./types";

/**
 * The shapes of the indexed engine's runtime objects, in one module that imports no engine code.
 * The objects point at each other (a condition at its monitor and its source, a series at its
 * stream, a monitor at the series it reads), so the modules that implement them refer to each
 * other through these interfaces, and their value imports run one way only: monitor-state and
 * source import condition-state, series imports source, stream-state imports series. Each
 * interface lists what other modules use; its class is named in its comment.
 *
 * @example function reportAll(l: SourceListener, cs: CompiledCondition[]) { for (const c of cs) l.truthChanged(c); }
 */

/**
 * One condition (a leaf of a compiled predicate) of one monitor version: operator, levels, forMs
 * and hysteresis, its evaluation state, the monitor it belongs to and the source that indexes it.
 * Implemented by PackedCondition (condition-state.ts).
 */
export interface CompiledCondition {
  readonly monitor: CompiledMonitor;
  /** The source indexing it (undefined while detached). */
  source: Source | undefined;
  /** Operator code (condition-state.ts: GT … DOWN). */
  readonly op: number;
  /** The level compared with (a range's lower bound). */
  readonly a: number;
  /** A range's upper bound (0 for other operators). */
  readonly b: number;
  /** Hysteresis of a crossing (NaN: none, it never disarms). */
  readonly h: number;
  readonly forMs: number;
  /** Start of the current run of raw = true (NaN: none; kept only when forMs > 0). */
  heldSince: number;
  /** The condition's value. */
  truth: boolean;
  /** The bare comparison at the last evaluation (it drives forMs). */
  raw: boolean;
  /** The hysteresis latch: a disarmed crossing is false until re-armed. */
  armed: boolean;
  /** Never evaluated. */
  fresh: boolean;
  /** Removed (lists that are drained lazily skip it). */
  dead: boolean;
}

/** An all (k 0), any (1) or not (2) over its children. Implemented by Group (monitor-state.ts). */
export interface PredicateGroup {
  readonly k: 0 | 1 | 2;
  readonly c: PredicateNode[];
}

/** A compiled predicate: conditions are the leaves (a single condition is the whole tree). */
export type PredicateNode = CompiledCondition | PredicateGroup;

/**
 * One monitor version as the engine runs it: identity for its matches, fire policy, compiled
 * predicate and the monitor's own state (edge memory, cooldown, once, queue and dirty marks).
 * Implemented by PackedMonitor (monitor-state.ts).
 */
export interface CompiledMonitor {
  readonly id: string;
  readonly version: number;
  readonly tree: PredicateNode;
  readonly cooldownMs: number;
  /** Event time of the last match (null: none, or not needed because there is no cooldown). */
  lastMatchAt: number | null;
  /** The series it reads (level monitors only: they are evaluated at every sample). */
  series: Series[];
  readonly level: boolean;
  readonly once: boolean;
  readonly enabled: boolean;
  /** Finished by `once`. */
  done: boolean;
  /** Facts observed at or after it evaluate nothing of this monitor (Infinity: never expires). */
  readonly expiresAt: number;
  /** The predicate's value at the previous evaluation (false before the first). */
  lastTruth: boolean;
  /** In the level queue of each series it reads (level mode, predicate true). */
  levelOn: boolean;
  /** Listed in the engine's dirty monitors since the last takeDirty. */
  dirty: boolean;
  /** Replaced by a newer version or removed from the engine. */
  removed: boolean;
  /** Queued for evaluation at the current fact. */
  queued: boolean;
  /** Live in the indexes (enabled and not finished by `once`). */
  readonly active: boolean;
  /** Still inside the cooldown after its last match at event time `now`. */
  cooling(now: number): boolean;
  /** The earliest event time at which a match is out of its cooldown (-Infinity: at any time). */
  readyAt(): number;
  /** The conditions, left to right (the order of compile sites and of persisted state). */
  conds(): CompiledCondition[];
}

/**
 * The values one group of conditions compares, a series' raw value or its change over windowMs,
 * with the conditions reading it indexed by level. Implemented by LevelIndexedSource (source.ts).
 */
export interface Source {
  readonly series: Series;
  readonly windowMs: number;
  readonly pct: boolean;
  /** indicatorKey() of its indicator ("" when it has none). */
  readonly indicatorKey: string;
  /** The indicator it computes (undefined: the raw value or a change). */
  readonly indicator: IndicatorStateLike | undefined;
  /** The compared value at the series' newest sample (NaN: no value). */
  last: number;
  /** Absolute index (see Series.dropped) of the window's base at the newest sample; -1: none yet. */
  baseAbs: number;
  /** Conditions attached to it (it is dropped at 0). */
  count: number;
  /** Indexes a condition according to its state. */
  index(c: CompiledCondition): void;
  /** Removes a condition. */
  unindex(c: CompiledCondition): void;
  /** Evaluates its conditions at the series' new sample, reporting changes to `listener`. */
  step(listener: SourceListener): void;
}

/** An indicator's running state (IndicatorState, indicator-state.ts). */
export interface IndicatorStateLike {
  /** Takes the series' next sample; returns the value there (NaN: warming up). */
  push(v: number): number;
  current(): number;
  save(): number[];
  /** It reads its series' shared window (sma, Bollinger). */
  readonly windowed: boolean;
}

/** The last values of a series, by age (WindowRing, window-ring.ts). */
export interface IndicatorWindow {
  readonly capacity: number;
  /** Values held (at most the capacity). */
  readonly filled: number;
  push(v: number): void;
  values(): number[];
  load(oldestFirst: readonly number[]): void;
  grow(capacity: number): void;
}

/**
 * A restored stream's indicator states by indicatorKey, and its series' window values (oldest
 * first). `fallbacks`: states converted from the first format (first-indicator-format.ts), used
 * only where the log no longer holds the samples to rebuild them.
 */
export type SavedIndicators = {
  states: Map<string, unknown>;
  window: number[] | undefined;
  fallbacks?: Map<string, unknown>;
};

/**
 * A relative condition (RelativeCondition, relative-condition.ts): its two sides' sources.
 */
export interface RelativeLike extends CompiledCondition {
  left: Source | undefined;
  right: Source | undefined;
  /** The engine's fact counter at its last evaluation (one evaluation per fact). */
  stamp: number;
}

/**
 * What a source reports to its engine while it steps (the engine implements it and passes itself,
 * so the event time is read, not passed: a double argument would be boxed on every fact).
 */
export interface SourceListener {
  /** Event time of the fact being applied. */
  readonly now: number;
  /** The condition was evaluated and its truth changed (or it was evaluated for the first time). */
  truthChanged(c: CompiledCondition): void;
  /** The condition's state changed without changing its truth (persist its monitor). */
  stateChanged(c: CompiledCondition): void;
}

/** Where a series puts the level monitors due at a sample (the engine). */
export interface EvaluationQueue {
  /** Event time of the fact being applied. */
  readonly now: number;
  /** Evaluate `m` at the current fact (once). */
  enqueue(m: CompiledMonitor): void;
}

/**
 * One (stream, field) series: its retained samples (indexes are logical: 0 the oldest retained,
 * `size - 1` the newest), the sources computed from them and the level monitors listening to it.
 * Implemented by RingSeries (series.ts).
 */
export interface Series {
  readonly stream: TrackedStream;
  readonly field: string;
  readonly sources: readonly Source[];
  /** The window (ms) for which the retained samples are complete; -1: not even the latest sample. */
  covered: number;
  /** How many samples were ever dropped from the front: logical index + dropped = absolute index. */
  readonly dropped: number;
  readonly size: number;
  timeAt(i: number): number;
  newestValue(): number;
  /** The compared value at the newest sample for `src`, moving its base cursor forward. */
  derivedLatest(src: Source): number;
  /** Adds or removes a level monitor whose predicate turned true or false. */
  setLevel(m: CompiledMonitor, on: boolean): void;
  /** Queues the level monitors due at `queue.now`. */
  levelDue(queue: EvaluationQueue): void;
  /** Relative conditions with a side on this series (evaluated at each of its samples). */
  readonly relatives: RelativeLike[];
  /** Indicator states loaded with a restored stream, until their sources are made (then cleared). */
  saved: SavedIndicators | undefined;
  /** The last values that the series' sma and Bollinger states share (undefined: it has none). */
  window: IndicatorWindow | undefined;
  /** The source for (windowMs, pct, indicatorKey), if it exists. */
  findSource(windowMs: number, pct: boolean, indicatorKey: string): Source | undefined;
  /** Creates a source (an indicator's state already fed the series' history). */
  addSource(windowMs: number, pct: boolean, indicatorKey: string, indicator: IndicatorStateLike | undefined): Source;
  /** Freezes `c` (unindexes it) once a sample is observed at or after its monitor's expiresAt. */
  watchExpiry(c: CompiledCondition): void;
  /** Unindexes the conditions whose monitor expired at or before `now`. */
  expireUpTo(now: number): void;
  dropSource(s: Source): void;
  /** Appends a sample and forgets those no window can use any more. */
  push(at: number, value: number): void;
  /** Replaces the retained samples (history loaded for a longer window, or a restore). */
  replace(samples: Sample[]): void;
  samples(): Sample[];
}

/**
 * A stream the engine has seen: its latest applied observedAt (for staleness) and the series that
 * registered conditions read. Implemented by StreamRecord (stream-state.ts).
 */
export interface TrackedStream {
  readonly key: string;
  latest: number;
  /** Listed in the engine's dirty streams since the last takeDirty. */
  dirty: boolean;
  readonly series: readonly Series[];
  get(field: string): Series | undefined;
  /** The series of `field`, created if needed. */
  seriesFor(field: string): Series;
  drop(s: Series): void;
}
