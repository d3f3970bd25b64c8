import { BETWEEN, type CondRt, compareRaw, DOWN, isInert, type Toucher, UP } from "./condition-state";
import { MinHeap, SortedLevels } from "./sorted-levels";
import { GAP_HI, GAP_LO, LAST, NEXT_DUE, REARM_DOWN_MIN, REARM_UP_MAX } from "./source-block";
import type { Series } from "./stream-state";

/**
 * The values one group of conditions compares: a series' raw value (windowMs 0) or its `change`
 * over windowMs (abs or pct), with the conditions reading it indexed by level. `step` moves the
 * source to its next value and touches only the conditions whose truth changed.
 *
 * Most moves pass no level at all, so the source remembers the gap between the levels around
 * its value (`gapLo < last < gapHi`, no level inside) and the nearest timer and re-arm levels.
 * Those numbers live in the source's block of its series' buffer (source-block.ts), where
 * `Series.stepSources` decides such a move without reading this object or the level arrays (on a
 * shard with a million monitors those reads are cache misses, and they dominate the cost).
 *
 * @example series.stepSources(engine) // engine.now is the fact's observedAt
 */
export class Source {
  /** trueCross or fresh is not empty. */
  private pending = false;
  /** The earliest forMs timer (Infinity: none). */
  private nextTimer = Number.POSITIVE_INFINITY;
  readonly windowMs: number;
  readonly pct: boolean;
  count = 0;
  readonly series: Series;
  /** Where this source's block starts in `series.buf` (moved when an earlier source is dropped). */
  off: number;
  readonly thresh = new SortedLevels<CondRt>();
  readonly up = new SortedLevels<CondRt>();
  readonly down = new SortedLevels<CondRt>();
  private readonly rearmUp = new SortedLevels<CondRt>();
  private readonly rearmDown = new SortedLevels<CondRt>();
  private readonly timers = new MinHeap<CondRt>();
  private trueCross: CondRt[] = [];
  private spareCross: CondRt[] = [];
  private fresh: CondRt[] = [];

  constructor(series: Series, off: number, windowMs: number, pct: boolean) {
    this.series = series;
    this.off = off;
    this.windowMs = windowMs;
    this.pct = pct;
  }

  /** Forgets the gap (a level was added or removed): the next fact takes the slow path. */
  private voidGap(): void {
    this.series.buf[this.off + GAP_LO] = Number.NaN;
  }

  /** The fast path's due time: now when something is pending, else the earliest timer. */
  private syncDue(): void {
    this.series.buf[this.off + NEXT_DUE] = this.pending ? Number.NEGATIVE_INFINITY : this.nextTimer;
  }

  private setPending(): void {
    this.pending = true;
    this.series.buf[this.off + NEXT_DUE] = Number.NEGATIVE_INFINITY;
  }

  /** Indexes a condition according to its state (a fresh one waits for its first evaluation). */
  index(c: CondRt): void {
    c.src = this;
    if (c.fresh) {
      this.fresh.push(c);
      this.setPending();
      return;
    }
    this.voidGap();
    if (c.op < UP) {
      this.thresh.insert(c.a, c);
      if (c.op >= BETWEEN) this.thresh.insert(c.b, c);
      if (c.forMs > 0 && c.raw && !c.truth) this.addTimer(c.heldSince + c.forMs, c);
    } else if (!isInert(c)) {
      (c.op === UP ? this.up : this.down).insert(c.a, c);
      if (c.truth) {
        this.trueCross.push(c);
        this.setPending();
      }
      if (!c.armed) this.disarmIndex(c);
    }
  }

  /** Removes a condition; lists that are drained lazily skip it through `dead`. */
  unindex(c: CondRt): void {
    c.dead = true;
    if (c.fresh) return;
    this.voidGap();
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
   * Evaluates every condition of this source at the series' new sample (event time `t.now`),
   * whose compared value moved from `prev` to `cur` (the path `Series.stepSources` could not
   * decide from the block alone).
   */
  step(prev: number, cur: number, t: Toucher): void {
    const now = t.now;
    const buf = this.series.buf;
    const o = this.off;
    buf[o + LAST] = cur;
    const pending = this.pending;
    if (pending) {
      this.pending = false;
      if (this.trueCross.length > 0) this.resetCrossings(t);
    }
    const hasPrev = !Number.isNaN(prev);
    const hasCur = !Number.isNaN(cur);
    // Conditions touched below never resize `buf` (only adding or dropping a source does).
    if (!hasPrev || !hasCur) {
      if (hasPrev || hasCur) for (const c of [...this.thresh.items]) this.recheck(c, cur, now, t);
      buf[o + GAP_LO] = Number.NaN;
    } else if (!(cur > (buf[o + GAP_LO] as number) && cur < (buf[o + GAP_HI] as number))) {
      this.passLevels(prev, cur, now, t);
      this.setGap(cur, buf, o);
    }
    if (hasCur) {
      if (cur <= (buf[o + REARM_UP_MAX] as number)) this.rearm(this.rearmUp.takeFrom(cur), t);
      if (cur >= (buf[o + REARM_DOWN_MIN] as number)) this.rearm(this.rearmDown.takeUpTo(cur), t);
    }
    if (this.nextTimer <= now) this.fireTimers(now, t);
    if (pending && this.fresh.length > 0) {
      const list = this.fresh;
      this.fresh = [];
      for (const c of list) if (!c.dead) this.first(c, prev, cur, now, t);
    }
    this.syncDue();
  }

  /** Crossings are momentary: true at one evaluation, false at the next (two lists, no garbage). */
  private resetCrossings(t: Toucher): void {
    const was = this.trueCross;
    this.trueCross = this.spareCross;
    for (const c of was) {
      if (c.dead || !c.truth) continue;
      c.truth = false;
      t.touch(c);
    }
    was.length = 0;
    this.spareCross = was;
  }

  /** The slow path: thresholds whose comparison may have changed, and crossings. */
  private passLevels(prev: number, cur: number, now: number, t: Toucher): void {
    if (prev !== cur && this.thresh.size > 0) {
      const lo = Math.min(prev, cur);
      const hi = Math.max(prev, cur);
      const { keys, items } = this.thresh;
      for (let i = this.thresh.lowerBound(lo); i < keys.length && (keys[i] as number) <= hi; i++) {
        this.recheck(items[i] as CondRt, cur, now, t);
      }
    }
    if (cur > prev && this.up.size > 0) this.crossRange(this.up, prev, cur, false, t);
    else if (cur < prev && this.down.size > 0) this.crossRange(this.down, cur, prev, true, t);
  }

  /** The gap around v: between the nearest levels below and above it, none if a level equals v. */
  private setGap(v: number, buf: Float64Array, o: number): void {
    buf[o + GAP_LO] = Number.NEGATIVE_INFINITY;
    buf[o + GAP_HI] = Number.POSITIVE_INFINITY;
    narrowGap(this.thresh, v, buf, o);
    narrowGap(this.up, v, buf, o);
    narrowGap(this.down, v, buf, o);
  }

  /** Crossing candidates: levels in (lo, hi] for crosses_below, [lo, hi) for crosses_above. */
  private crossRange(levels: SortedLevels<CondRt>, lo: number, hi: number, below: boolean, t: Toucher): void {
    const { keys, items } = levels;
    for (let i = levels.lowerBound(lo, below); i < keys.length; i++) {
      const k = keys[i] as number;
      if (k > hi || (!below && k === hi)) break;
      this.cross(items[i] as CondRt, t);
    }
  }

  private cross(c: CondRt, t: Toucher): void {
    if (!c.armed) return;
    c.truth = true;
    this.trueCross.push(c);
    this.setPending();
    t.touch(c);
    if (!Number.isNaN(c.h)) {
      c.armed = false;
      this.disarmIndex(c);
    }
  }

  private disarmIndex(c: CondRt): void {
    if (c.op === UP) this.rearmUp.insert(c.a - c.h, c);
    else this.rearmDown.insert(c.a + c.h, c);
    this.rearmBounds();
  }

  private rearmBounds(): void {
    const up = this.rearmUp.keys;
    const down = this.rearmDown.keys;
    const buf = this.series.buf;
    buf[this.off + REARM_UP_MAX] = up.length > 0 ? (up[up.length - 1] as number) : Number.NEGATIVE_INFINITY;
    buf[this.off + REARM_DOWN_MIN] = down.length > 0 ? (down[0] as number) : Number.POSITIVE_INFINITY;
  }

  private rearm(list: readonly CondRt[], t: Toucher): void {
    for (const c of list) {
      c.armed = true;
      t.dirty(c);
    }
    this.rearmBounds();
  }

  private addTimer(at: number, c: CondRt): void {
    this.timers.push(at, c);
    if (at < this.nextTimer) {
      this.nextTimer = at;
      this.syncDue();
    }
  }

  private fireTimers(now: number, t: Toucher): void {
    for (const c of this.timers.popUpTo(now)) {
      if (c.dead || !c.raw || c.truth || c.heldSince + c.forMs > now) continue;
      c.truth = true;
      t.touch(c);
    }
    this.nextTimer = this.timers.minKey();
  }

  private recheck(c: CondRt, cur: number, now: number, t: Toucher): void {
    const raw = !Number.isNaN(cur) && compareRaw(c, cur);
    if (raw === c.raw) return;
    c.raw = raw;
    if (c.forMs === 0) {
      c.truth = raw;
      t.touch(c);
    } else if (raw) {
      c.heldSince = now;
      this.addTimer(now + c.forMs, c);
      t.dirty(c);
    } else {
      c.heldSince = Number.NaN;
      if (c.truth) {
        c.truth = false;
        t.touch(c);
      } else t.dirty(c);
    }
  }

  /** A condition's first evaluation: computed directly, then indexed. */
  private first(c: CondRt, prev: number, cur: number, now: number, t: Toucher): void {
    c.fresh = false;
    t.touch(c);
    if (c.op === UP || c.op === DOWN) {
      if (isInert(c)) return;
      // NaN (no value) compares false, so a missing previous or current value never crosses.
      const crossed = c.op === UP ? prev <= c.a && cur > c.a : prev >= c.a && cur < c.a;
      this.index(c);
      if (crossed) this.cross(c, t);
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

/** Shrinks the gap at `buf[o + GAP_LO/HI]` to exclude the levels around v; a level equal to v voids it. */
function narrowGap(levels: SortedLevels<CondRt>, v: number, buf: Float64Array, o: number): void {
  const i = levels.lowerBound(v);
  const above = levels.keys[i];
  const below = levels.keys[i - 1];
  if (above === v) buf[o + GAP_LO] = buf[o + GAP_HI] = Number.NaN;
  if (above !== undefined && above < (buf[o + GAP_HI] as number)) buf[o + GAP_HI] = above;
  if (below !== undefined && below > (buf[o + GAP_LO] as number)) buf[o + GAP_LO] = below;
}
