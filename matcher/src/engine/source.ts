import { BETWEEN, compareRaw, DOWN, isInert, UP } from "./condition-state";
import type { CompiledCondition, IndicatorStateLike, Series, Source, SourceListener } from "./runtime-types";
import { MinHeap, SortedLevels } from "./sorted-levels";

/** Shared empty levels and timers (~0.4 KB a source saved): insertInto swaps in new ones. */
const NO_LEVELS = new SortedLevels<CompiledCondition>();
const NO_TIMERS = new MinHeap<CompiledCondition>();
function insertInto(levels: SortedLevels<CompiledCondition>, k: number, c: CompiledCondition) {
  const own = levels === NO_LEVELS ? new SortedLevels<CompiledCondition>() : levels;
  own.insert(k, c);
  return own;
}

/**
 * A Source (runtime-types.ts): the values one group of conditions compares, a series' raw value
 * (windowMs 0), its `change` over windowMs (abs or pct) or an indicator's value (one shared state
 * per (series, indicator, parameters)), with the conditions reading it indexed by level. `step`
 * moves the source to its next value and reports only the conditions whose truth changed.
 *
 * Most moves pass no level at all, so the source remembers the gap between the levels around
 * its value (`gapLo < last < gapHi`, no level inside) and the nearest timer and re-arm levels:
 * such a move is decided from this object alone, without reading the level arrays (on a shard
 * with a million monitors those reads are cache misses, and they dominate the cost).
 *
 * @example source.step(engine) // engine.now is the fact's observedAt
 */
export class LevelIndexedSource implements Source {
  // Fields a fact reads come first (V8 lays fields out in declaration order: fewer cache lines).
  /** trueCross or fresh is not empty (read without touching the arrays). */
  private pending = false;
  /**
   * The compared value at the series' newest sample; NaN: no value (no sample, no base for the
   * window, or a pct change over 0). A number field that never holds undefined is updated in
   * place; a boxed one would allocate (and soon promote) a number on every fact.
   */
  last = Number.NaN;
  /** No threshold or crossing level lies in (gapLo, gapHi) ∋ last; NaN: unknown. */
  private gapLo = Number.NaN;
  private gapHi = Number.NaN;
  /** Largest key of rearmUp, smallest of rearmDown, earliest timer (±Infinity when empty). */
  private rearmUpMax = Number.NEGATIVE_INFINITY;
  private rearmDownMin = Number.POSITIVE_INFINITY;
  private nextTimer = Number.POSITIVE_INFINITY;
  readonly windowMs: number;
  readonly pct: boolean;
  /** Absolute index (see Series.dropped) of the window's base at the newest sample; -1: none yet. */
  baseAbs = -1;
  count = 0;
  readonly series: Series;
  // Shared empty ones until a first entry: most sources use one or two (an operand's none).
  thresh = NO_LEVELS;
  up = NO_LEVELS;
  down = NO_LEVELS;
  private rearmUp = NO_LEVELS;
  private rearmDown = NO_LEVELS;
  private timers = NO_TIMERS;
  private trueCross: CompiledCondition[] = [];
  private spareCross: CompiledCondition[] = [];
  private fresh: CompiledCondition[] = [];

  readonly indicatorKey: string;
  readonly indicator: IndicatorStateLike | undefined;

  constructor(series: Series, windowMs: number, pct: boolean, indicatorKey = "", indicator?: IndicatorStateLike) {
    this.series = series;
    this.windowMs = windowMs;
    this.pct = pct;
    this.indicatorKey = indicatorKey;
    this.indicator = indicator;
  }

  /** Indexes a condition according to its state (a fresh one waits for its first evaluation). */
  index(c: CompiledCondition): void {
    c.source = this;
    if (c.fresh) {
      this.fresh.push(c);
      this.pending = true;
      return;
    }
    this.gapLo = Number.NaN;
    if (c.op < UP) {
      this.thresh = insertInto(this.thresh, c.a, c);
      if (c.op >= BETWEEN) this.thresh.insert(c.b, c);
      if (c.forMs > 0 && c.raw && !c.truth) this.addTimer(c.heldSince + c.forMs, c);
    } else if (!isInert(c)) {
      if (c.op === UP) this.up = insertInto(this.up, c.a, c);
      else this.down = insertInto(this.down, c.a, c);
      if (c.truth) {
        this.trueCross.push(c);
        this.pending = true;
      }
      if (!c.armed) this.disarmIndex(c);
    }
  }

  /** Removes a condition; lists that are drained lazily skip it through `dead`. */
  unindex(c: CompiledCondition): void {
    c.dead = true;
    if (c.fresh) return;
    this.gapLo = Number.NaN;
    if (c.op < UP) {
      this.thresh.remove(c.a, c);
      if (c.op >= BETWEEN) this.thresh.remove(c.b, c);
    } else if (!isInert(c)) {
      (c.op === UP ? this.up : this.down).remove(c.a, c);
      if (!c.armed) {
        if (c.op === UP) this.rearmUp.remove(c.a - c.h, c);
        else this.rearmDown.remove(c.a + c.h, c);
        this.rearmBounds();
      }
    }
  }

  /**
   * Evaluates every condition of this source at the series' new sample (event time
   * `listener.now`). The values are read here rather than passed in: a double passed to a call
   * that is not inlined is boxed in a fresh heap number, several per fact on the hot path.
   */
  step(listener: SourceListener): void {
    const now = listener.now;
    const ind = this.indicator;
    const cur =
      ind !== undefined
        ? ind.push(this.series.newestValue())
        : this.windowMs === 0
          ? this.series.newestValue()
          : this.series.derivedLatest(this);
    const prev = this.last;
    this.last = cur;
    const pending = this.pending;
    if (pending) {
      this.pending = false;
      if (this.trueCross.length > 0) this.resetCrossings(listener);
    }
    const hasPrev = !Number.isNaN(prev);
    const hasCur = !Number.isNaN(cur);
    if (!hasPrev || !hasCur) {
      if (hasPrev || hasCur) for (const c of [...this.thresh.items]) this.recheck(c, cur, now, listener);
      this.gapLo = Number.NaN;
    } else if (!(cur > this.gapLo && cur < this.gapHi)) {
      this.passLevels(prev, cur, now, listener);
    }
    if (hasCur) {
      if (cur <= this.rearmUpMax) this.rearm(this.rearmUp.takeFrom(cur), listener);
      if (cur >= this.rearmDownMin) this.rearm(this.rearmDown.takeUpTo(cur), listener);
    }
    if (this.nextTimer <= now) this.fireTimers(now, listener);
    if (pending && this.fresh.length > 0) {
      const list = this.fresh;
      this.fresh = [];
      for (const c of list) if (!c.dead) this.first(c, prev, cur, now, listener);
    }
  }

  /** Crossings are momentary: true at one evaluation, false at the next (two lists, no garbage). */
  private resetCrossings(listener: SourceListener): void {
    const was = this.trueCross;
    this.trueCross = this.spareCross;
    for (const c of was) {
      if (c.dead || !c.truth) continue;
      c.truth = false;
      listener.truthChanged(c);
    }
    was.length = 0;
    this.spareCross = was;
  }

  /** The slow path: thresholds whose comparison may have changed, crossings, then the new gap. */
  private passLevels(prev: number, cur: number, now: number, listener: SourceListener): void {
    if (prev !== cur && this.thresh.size > 0) {
      const lo = Math.min(prev, cur);
      const hi = Math.max(prev, cur);
      const { keys, items } = this.thresh;
      for (let i = this.thresh.lowerBound(lo); i < keys.length && (keys[i] as number) <= hi; i++) {
        this.recheck(items[i] as CompiledCondition, cur, now, listener);
      }
    }
    if (cur > prev && this.up.size > 0) this.crossRange(this.up, prev, cur, false, listener);
    else if (cur < prev && this.down.size > 0) this.crossRange(this.down, cur, prev, true, listener);
    this.gapLo = Number.NEGATIVE_INFINITY;
    this.gapHi = Number.POSITIVE_INFINITY;
    this.narrowGap(this.thresh, cur);
    this.narrowGap(this.up, cur);
    this.narrowGap(this.down, cur);
  }

  /** Shrinks (gapLo, gapHi) to exclude the levels around v; a level equal to v voids the gap. */
  private narrowGap(levels: SortedLevels<CompiledCondition>, v: number): void {
    const i = levels.lowerBound(v);
    const above = levels.keys[i];
    const below = levels.keys[i - 1];
    if (above === v) this.gapLo = this.gapHi = Number.NaN;
    if (above !== undefined && above < this.gapHi) this.gapHi = above;
    if (below !== undefined && below > this.gapLo) this.gapLo = below;
  }

  /** Crossing candidates: levels in (lo, hi] for crosses_below, [lo, hi) for crosses_above. */
  private crossRange(
    levels: SortedLevels<CompiledCondition>,
    lo: number,
    hi: number,
    below: boolean,
    listener: SourceListener,
  ): void {
    const { keys, items } = levels;
    for (let i = levels.lowerBound(lo, below); i < keys.length; i++) {
      const k = keys[i] as number;
      if (k > hi || (!below && k === hi)) break;
      this.cross(items[i] as CompiledCondition, listener);
    }
  }

  private cross(c: CompiledCondition, listener: SourceListener): void {
    if (!c.armed) return;
    c.truth = true;
    this.trueCross.push(c);
    this.pending = true;
    listener.truthChanged(c);
    if (!Number.isNaN(c.h)) {
      c.armed = false;
      this.disarmIndex(c);
    }
  }

  private disarmIndex(c: CompiledCondition): void {
    if (c.op === UP) this.rearmUp = insertInto(this.rearmUp, c.a - c.h, c);
    else this.rearmDown = insertInto(this.rearmDown, c.a + c.h, c);
    this.rearmBounds();
  }

  private rearmBounds(): void {
    const up = this.rearmUp.keys;
    const down = this.rearmDown.keys;
    this.rearmUpMax = up.length > 0 ? (up[up.length - 1] as number) : Number.NEGATIVE_INFINITY;
    this.rearmDownMin = down.length > 0 ? (down[0] as number) : Number.POSITIVE_INFINITY;
  }

  private rearm(list: readonly CompiledCondition[], listener: SourceListener): void {
    for (const c of list) {
      c.armed = true;
      listener.stateChanged(c);
    }
    this.rearmBounds();
  }

  private addTimer(at: number, c: CompiledCondition): void {
    if (this.timers === NO_TIMERS) this.timers = new MinHeap();
    this.timers.push(at, c);
    if (at < this.nextTimer) this.nextTimer = at;
  }

  private fireTimers(now: number, listener: SourceListener): void {
    for (const c of this.timers.popUpTo(now)) {
      if (c.dead || !c.raw || c.truth || c.heldSince + c.forMs > now) continue;
      c.truth = true;
      listener.truthChanged(c);
    }
    this.nextTimer = this.timers.minKey();
  }

  private recheck(c: CompiledCondition, cur: number, now: number, listener: SourceListener): void {
    const raw = !Number.isNaN(cur) && compareRaw(c, cur);
    if (raw === c.raw) return;
    c.raw = raw;
    if (c.forMs === 0) {
      c.truth = raw;
      listener.truthChanged(c);
    } else if (raw) {
      c.heldSince = now;
      this.addTimer(now + c.forMs, c);
      listener.stateChanged(c);
    } else {
      c.heldSince = Number.NaN;
      if (c.truth) {
        c.truth = false;
        listener.truthChanged(c);
      } else listener.stateChanged(c);
    }
  }

  /** A condition's first evaluation: computed directly, then indexed. */
  private first(c: CompiledCondition, prev: number, cur: number, now: number, listener: SourceListener): void {
    c.fresh = false;
    listener.truthChanged(c);
    if (c.op === UP || c.op === DOWN) {
      if (isInert(c)) return;
      // NaN (no value) compares false, so a missing previous or current value never crosses.
      const crossed = c.op === UP ? prev <= c.a && cur > c.a : prev >= c.a && cur < c.a;
      this.index(c);
      if (crossed) this.cross(c, listener);
      return;
    }
    c.raw = !Number.isNaN(cur) && compareRaw(c, cur);
    if (c.raw) {
      c.heldSince = now;
      c.truth = c.forMs === 0;
    }
    this.index(c);
  }
}
