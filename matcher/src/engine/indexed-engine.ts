import { readField } from "../../../shared/src/fact-values";
import type { AcceptedFact } from "../../../shared/src/facts";
import type { MonitorDefinition } from "../../../shared/src/monitor";
import { byCodeUnits } from "./code-unit-order";
import { loadMonitorState, monitorState } from "./monitor-persistence";
import { compileMonitor, evalNode } from "./monitor-state";
import { currentD, RelativeCondition, skipRelative, stepRelative } from "./relative-condition";
import type {
  CompiledCondition,
  CompiledMonitor,
  EvaluationQueue,
  Series,
  SourceListener,
  TrackedStream,
} from "./runtime-types";
import { StreamIndex } from "./stream-index";
import { loadStream, streamState } from "./stream-persistence";
import { type HistoryFn, type MatchCore, matchCoreOf } from "./types";

export type EngineOptions = { history?: HistoryFn };
export type DirtyState = {
  monitors: [monitorId: string, state: unknown | null][];
  streams: [streamKey: string, state: unknown][];
};

const NO_MATCHES: readonly MatchCore[] = Object.freeze([]);
// Most facts match nothing: they share one answer instead of allocating one each.
const STALE = Object.freeze({ stale: true, matches: NO_MATCHES });
const NOTHING = Object.freeze({ stale: false, matches: NO_MATCHES });

/**
 * The indexed matcher: the reference evaluator's semantics (see reference.ts) at a cost per fact of
 * O(log n + conditions whose truth changed + level monitors that fire), not O(monitors). Pure and
 * synchronous; the MatcherShard Durable Object wraps it, persisting `takeDirty()` after each batch.
 *
 * @example
 * const engine = new IndexedEngine({ history: (key, field, from) => log.samples(key, field, from) });
 * engine.upsertMonitor(def);
 * const { stale, matches } = engine.applyFact(fact);
 */
export class IndexedEngine implements SourceListener, EvaluationQueue {
  private readonly monitors = new Map<string, CompiledMonitor>();
  private readonly index: StreamIndex;
  /** Event time of the fact being applied (SourceListener; read by sources instead of passed). */
  now = Number.NEGATIVE_INFINITY;
  /** Monitors to evaluate at the current fact: queue[0 .. queued). */
  private readonly queue: CompiledMonitor[] = [];
  private queued = 0;
  /** Counts applied facts (a relative condition is evaluated once per fact). */
  private factTick = 0;
  private readonly sampled: Series[] = [];
  private readonly fired: CompiledMonitor[] = [];
  /** Monitors whose state changed since takeDirty (flagged on the monitor: no hashing per fact). */
  private dirtyMonitors: CompiledMonitor[] = [];
  private removedIds: string[] = [];

  constructor(opts: EngineOptions = {}) {
    this.index = new StreamIndex(opts.history);
  }

  /** Registers a monitor version; a version ≤ the registered one is ignored. */
  upsertMonitor(def: MonitorDefinition): void {
    const old = this.monitors.get(def.monitorId);
    if (old && def.version <= old.version) return;
    if (old) {
      this.index.detach(old);
      old.removed = true;
    }
    const { monitor, sites } = compileMonitor(def);
    this.monitors.set(def.monitorId, monitor);
    this.markMonitor(monitor);
    if (monitor.active) this.index.attach(monitor, sites);
  }

  removeMonitor(monitorId: string): void {
    const m = this.monitors.get(monitorId);
    if (!m) return;
    this.index.detach(m);
    m.removed = true;
    this.monitors.delete(monitorId);
    this.removedIds.push(monitorId);
  }

  monitorCount(): number {
    return this.monitors.size;
  }

  /** Whether any monitor held here reads this stream (a series with a condition on it). */
  reads(streamKey: string): boolean {
    return (this.index.streams.get(streamKey)?.series.length ?? 0) > 0;
  }

  /** The registered version of a monitor, if any. */
  versionOf(monitorId: string): number | undefined {
    return this.monitors.get(monitorId)?.version;
  }

  /**
   * Applies one fact (the caller guarantees distinct eventIds): stale, or the matches it caused in
   * monitorId order. The returned array is read-only (shared when empty).
   */
  applyFact(fact: AcceptedFact): { stale: boolean; matches: readonly MatchCore[] } {
    const stream = this.index.stream(fact.streamKey);
    const now = fact.observedAt;
    if (now < stream.latest) return STALE;
    stream.latest = now;
    this.now = now;
    this.index.markDirty(stream);
    // The per-fact lists keep their length and are filled up to a count: `length = 0` drops an
    // array's storage, and the next push allocates it again, on every fact.
    const sampled = this.sampled;
    let nSampled = 0;
    for (const s of stream.series) {
      const value = readField(fact, s.field);
      if (value === undefined) continue;
      s.push(now, value);
      s.expireUpTo(now);
      for (const src of s.sources) src.step(this);
      sampled[nSampled++] = s;
    }
    // Relative conditions read both their sides' latest values: evaluated once every sampled
    // series has stepped, and once per fact even when it samples both sides.
    const tick = ++this.factTick;
    for (let i = 0; i < nSampled; i++) {
      const relatives = (sampled[i] as Series).relatives;
      for (let j = 0; j < relatives.length; j++) {
        const c = relatives[j] as RelativeCondition;
        if (c.stamp === tick) continue;
        c.stamp = tick;
        if (now < c.expiresAt) stepRelative(c, this);
        else skipRelative(c, this);
      }
    }
    // Level monitors due at this sample join the monitors whose conditions changed (each once).
    for (let i = 0; i < nSampled; i++) (sampled[i] as Series).levelDue(this);
    const fired = this.fired;
    if (fired.length > 0) fired.length = 0;
    const queue = this.queue;
    for (let i = 0; i < this.queued; i++) {
      const m = queue[i] as CompiledMonitor;
      if (this.evaluate(m)) fired.push(m);
      m.queued = false;
    }
    this.queued = 0;
    if (fired.length === 0) return NOTHING;
    if (fired.length > 1) fired.sort(byMonitorId);
    return { stale: false, matches: fired.map((m) => matchOf(m, fact)) };
  }

  /** The state changed since the last call (null: the monitor was removed). */
  takeDirty(): DirtyState {
    const out: DirtyState = { monitors: [], streams: [] };
    // Removals first: a monitor removed and registered again in the same batch ends with its state.
    for (const id of this.removedIds) if (!this.monitors.has(id)) out.monitors.push([id, null]);
    for (const m of this.dirtyMonitors) {
      m.dirty = false;
      if (!m.removed) out.monitors.push([m.id, monitorState(m)]);
    }
    for (const s of this.index.takeDirty()) out.streams.push([s.key, streamState(s)]);
    this.dirtyMonitors = [];
    this.removedIds = [];
    return out;
  }

  /** Streams no registered condition reads. */
  unreadStreams(): string[] {
    return this.index.unread();
  }

  /**
   * Forgets streams no condition reads (their latest observedAt, for staleness): the shard does it
   * once their facts are past retention, as a replay of the pruned log would. Returns the keys forgotten.
   */
  forgetStreams(keys: readonly string[]): string[] {
    return this.index.forget(keys);
  }

  /** Every monitor's and stream's state, sorted by key (for tests and rebuild checks). */
  snapshot(): DirtyState {
    return {
      monitors: [...this.monitors.keys()]
        .sort(byCodeUnits)
        .map((id) => [id, monitorState(this.monitors.get(id) as CompiledMonitor)]),
      streams: [...this.index.streams.keys()]
        .sort(byCodeUnits)
        .map((k) => [k, streamState(this.index.streams.get(k) as TrackedStream, true)]),
    };
  }

  /** Rebuilds an engine from definitions plus the states `takeDirty` returned over time. */
  static restore(
    defs: MonitorDefinition[],
    monitorStates: Map<string, unknown>,
    streamStates: Map<string, unknown>,
    opts: EngineOptions = {},
  ): IndexedEngine {
    const e = new IndexedEngine(opts);
    for (const [key, state] of streamStates) e.index.streams.set(key, loadStream(key, state));
    for (const def of defs) {
      const { monitor, sites } = compileMonitor(def);
      loadMonitorState(monitor, monitorStates.get(def.monitorId));
      e.monitors.set(def.monitorId, monitor);
      if (monitor.active) e.index.attach(monitor, sites);
      // A relative condition's previous d is its sides' d now, unless it was frozen (or never ran).
      for (const c of monitor.conds()) {
        if (c instanceof RelativeCondition && !c.frozen && !c.fresh) c.prevD = currentD(c);
      }
    }
    for (const s of e.index.streams.values()) {
      for (const x of [...s.series]) {
        // Saved indicator states no condition took are stale from now on.
        x.saved = undefined;
        if (x.sources.length === 0) s.drop(x);
      }
    }
    e.index.takeDirty();
    for (const m of e.dirtyMonitors) m.dirty = false;
    e.dirtyMonitors = [];
    return e;
  }

  /** @internal SourceListener: a source reports a condition whose truth changed (queue its monitor). */
  truthChanged(c: CompiledCondition): void {
    this.enqueue(c.monitor);
  }

  /** @internal EvaluationQueue: queues a monitor for evaluation at the current fact (once). */
  enqueue(m: CompiledMonitor): void {
    if (m.queued) return;
    m.queued = true;
    this.queue[this.queued++] = m;
  }

  /** @internal SourceListener: a condition's state changed without a truth change (persist its monitor). */
  stateChanged(c: CompiledCondition): void {
    this.markMonitor(c.monitor);
  }

  private evaluate(m: CompiledMonitor): boolean {
    const now = this.now;
    // A fact at or after expiresAt evaluates nothing of the monitor (its conditions were frozen).
    if (now >= m.expiresAt) return false;
    this.markMonitor(m);
    const truth = evalNode(m.tree);
    const fires = truth && (m.level || !m.lastTruth) && !m.cooling(now);
    m.lastTruth = truth;
    if (fires) m.lastMatchAt = now;
    // After lastMatchAt: a level monitor that turns true waits in its series' queue for its cooldown.
    if (m.level) this.index.setLevel(m, truth);
    if (!fires) return false;
    if (m.once) {
      m.done = true;
      this.index.detach(m);
    }
    return true;
  }

  private markMonitor(m: CompiledMonitor): void {
    if (m.dirty) return;
    m.dirty = true;
    this.dirtyMonitors.push(m);
  }
}

function byMonitorId(a: CompiledMonitor, b: CompiledMonitor): number {
  return byCodeUnits(a.id, b.id);
}

function matchOf(m: CompiledMonitor, fact: AcceptedFact): MatchCore {
  return matchCoreOf(m.id, m.version, fact);
}
