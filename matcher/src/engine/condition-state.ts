import type { MonitorRt } from "./monitor-state";
import { MinHeap, SortedLevels } from "./sorted-levels";
import type { Series } from "./stream-state";

/** Operator codes (the order matters: < UP are threshold comparisons). */
export const GT = 0;
export const GTE = 1;
export const LT = 2;
export const LTE = 3;
export const EQ = 4;
export const NEQ = 5;
export const BETWEEN = 6;
export const OUTSIDE = 7;
export const UP = 8;
export const DOWN = 9;
export const OP_CODES: Record<string, number> = {
  gt: GT,
  gte: GTE,
  lt: LT,
  lte: LTE,
  eq: EQ,
  neq: NEQ,
  between: BETWEEN,
  outside: OUTSIDE,
  crosses_above: UP,
  crosses_below: DOWN,
};

const TRUTH = 1;
const RAW = 2;
const ARMED = 4;
const FRESH = 8;
const DEAD = 16;
const OP_SHIFT = 5;

/** The parts of a condition most conditions do not have (ranges, hysteresis, forMs). */
export class CondExtra {
  constructor(
    readonly b: number,
    readonly h: number,
    readonly forMs: number,
    public heldSince: number,
  ) {}
}

/**
 * One condition of one monitor version, with its evaluation state. `raw` is the bare comparison
 * at the last evaluation (it drives forMs), `truth` the condition's value, `heldSince` the start of
 * the current run of raw = true (NaN: none; kept only when forMs > 0), `armed` the hysteresis
 * latch, `fresh` = never evaluated, `dead` = removed (lazily dropped from lists). Flags and the
 * operator share one small integer and rare parameters live in `x`: a million conditions must fit
 * in little memory.
 *
 * @example new CondRt(monitor, GT, 100, undefined)
 */
export class CondRt {
  src: Source | undefined = undefined;
  private bits: number;
  constructor(
    readonly mon: MonitorRt,
    op: number,
    readonly a: number,
    readonly x: CondExtra | undefined,
  ) {
    this.bits = (op << OP_SHIFT) | FRESH | ARMED;
  }

  get op(): number {
    return this.bits >>> OP_SHIFT;
  }
  get b(): number {
    return this.x ? this.x.b : 0;
  }
  get h(): number {
    return this.x ? this.x.h : Number.NaN;
  }
  get forMs(): number {
    return this.x ? this.x.forMs : 0;
  }
  get heldSince(): number {
    return this.x ? this.x.heldSince : Number.NaN;
  }
  set heldSince(v: number) {
    if (this.x) this.x.heldSince = v;
  }
  get truth(): boolean {
    return (this.bits & TRUTH) !== 0;
  }
  set truth(v: boolean) {
    this.bits = v ? this.bits | TRUTH : this.bits & ~TRUTH;
  }
  get raw(): boolean {
    return (this.bits & RAW) !== 0;
  }
  set raw(v: boolean) {
    this.bits = v ? this.bits | RAW : this.bits & ~RAW;
  }
  get armed(): boolean {
    return (this.bits & ARMED) !== 0;
  }
  set armed(v: boolean) {
    this.bits = v ? this.bits | ARMED : this.bits & ~ARMED;
  }
  get fresh(): boolean {
    return (this.bits & FRESH) !== 0;
  }
  set fresh(v: boolean) {
    this.bits = v ? this.bits | FRESH : this.bits & ~FRESH;
  }
  get dead(): boolean {
    return (this.bits & DEAD) !== 0;
  }
  set dead(v: boolean) {
    this.bits = v ? this.bits | DEAD : this.bits & ~DEAD;
  }
}

/** What a source reports to its engine while it steps. */
export interface Toucher {
  /** The condition was evaluated and its truth changed (or it was evaluated for the first time). */
  touch(c: CondRt): void;
  /** The condition's state changed without changing its truth (persist it). */
  dirty(c: CondRt): void;
}

export function compareRaw(c: CondRt, d: number): boolean {
  switch (c.op) {
    case GT:
      return d > c.a;
    case GTE:
      return d >= c.a;
    case LT:
      return d < c.a;
    case LTE:
      return d <= c.a;
    case EQ:
      return d === c.a;
    case NEQ:
      return d !== c.a;
    case BETWEEN:
      return c.a <= d && d <= c.b;
    case OUTSIDE:
      return d < c.a || d > c.b;
    default:
      return false;
  }
}

/** A crossing with forMs > 0 can never hold at two consecutive evaluations: never true. */
export function isInert(c: CondRt): boolean {
  return c.op >= UP && c.forMs > 0;
}

/**
 * The values one group of conditions compares: a series' raw value (windowMs 0) or its `change`
 * over windowMs (abs or pct), with the conditions reading it indexed by level. `step` moves the
 * source to its next value and touches only the conditions whose truth changed.
 */
export class Source {
  /** The compared value at the series' newest sample (undefined: no value). */
  last: number | undefined = undefined;
  /** Absolute index (see Series.dropped) of the window's base at the newest sample; -1: none yet. */
  baseAbs = -1;
  count = 0;
  readonly thresh = new SortedLevels<CondRt>();
  readonly up = new SortedLevels<CondRt>();
  readonly down = new SortedLevels<CondRt>();
  readonly rearmUp = new SortedLevels<CondRt>();
  readonly rearmDown = new SortedLevels<CondRt>();
  readonly timers = new MinHeap<CondRt>();
  trueCross: CondRt[] = [];
  private spareCross: CondRt[] = [];
  fresh: CondRt[] = [];

  constructor(
    readonly series: Series,
    readonly windowMs: number,
    readonly pct: boolean,
  ) {}

  /** Indexes an evaluated (non-fresh) condition according to its state. */
  index(c: CondRt): void {
    c.src = this;
    if (c.fresh) {
      this.fresh.push(c);
    } else if (c.op < UP) {
      this.thresh.insert(c.a, c);
      if (c.op >= BETWEEN) this.thresh.insert(c.b, c);
      if (c.forMs > 0 && c.raw && !c.truth) this.timers.push(c.heldSince + c.forMs, c);
    } else if (!isInert(c)) {
      (c.op === UP ? this.up : this.down).insert(c.a, c);
      if (c.truth) this.trueCross.push(c);
      if (!c.armed) this.disarmIndex(c);
    }
  }

  /** Removes a condition; lists that are drained lazily skip it through `dead`. */
  unindex(c: CondRt): void {
    c.dead = true;
    if (c.fresh) return;
    if (c.op < UP) {
      this.thresh.remove(c.a, c);
      if (c.op >= BETWEEN) this.thresh.remove(c.b, c);
    } else if (!isInert(c)) {
      (c.op === UP ? this.up : this.down).remove(c.a, c);
      if (!c.armed) {
        if (c.op === UP) this.rearmUp.remove(c.a - c.h, c);
        else this.rearmDown.remove(c.a + c.h, c);
      }
    }
  }

  /** Evaluates every condition of this source at a new sample whose compared value is `cur`. */
  step(now: number, cur: number | undefined, t: Toucher): void {
    const prev = this.last;
    this.last = cur;
    if (this.trueCross.length > 0) {
      // Crossings are momentary: true at one evaluation, false at the next (two lists, no garbage).
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
    const both = prev !== undefined && cur !== undefined;
    if (this.thresh.size > 0) {
      if (both) {
        if (prev !== cur) {
          const lo = prev < cur ? prev : cur;
          const hi = prev < cur ? cur : prev;
          const { keys, items } = this.thresh;
          for (let i = this.thresh.lowerBound(lo); i < keys.length && (keys[i] as number) <= hi; i++) {
            this.recheck(items[i] as CondRt, cur, now, t);
          }
        }
      } else if (prev !== undefined || cur !== undefined) {
        for (const c of [...this.thresh.items]) this.recheck(c, cur, now, t);
      }
    }
    if (both) {
      if (cur > prev && this.up.size > 0) this.crossRange(this.up, prev, cur, false, t);
      else if (cur < prev && this.down.size > 0) this.crossRange(this.down, cur, prev, true, t);
    }
    if (cur !== undefined) {
      if (this.rearmUp.size > 0) this.rearm(this.rearmUp.takeFrom(cur), t);
      if (this.rearmDown.size > 0) this.rearm(this.rearmDown.takeUpTo(cur), t);
    }
    if (this.timers.minKey() <= now) {
      for (const c of this.timers.popUpTo(now)) {
        if (c.dead || !c.raw || c.truth || c.heldSince + c.forMs > now) continue;
        c.truth = true;
        t.touch(c);
      }
    }
    if (this.fresh.length > 0) {
      const list = this.fresh;
      this.fresh = [];
      for (const c of list) if (!c.dead) this.first(c, prev, cur, now, t);
    }
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
    t.touch(c);
    if (!Number.isNaN(c.h)) {
      c.armed = false;
      this.disarmIndex(c);
    }
  }

  private disarmIndex(c: CondRt): void {
    if (c.op === UP) this.rearmUp.insert(c.a - c.h, c);
    else this.rearmDown.insert(c.a + c.h, c);
  }

  private rearm(list: readonly CondRt[], t: Toucher): void {
    for (const c of list) {
      c.armed = true;
      t.dirty(c);
    }
  }

  private recheck(c: CondRt, cur: number | undefined, now: number, t: Toucher): void {
    const raw = cur !== undefined && compareRaw(c, cur);
    if (raw === c.raw) return;
    c.raw = raw;
    if (c.forMs === 0) {
      c.truth = raw;
      t.touch(c);
    } else if (raw) {
      c.heldSince = now;
      this.timers.push(now + c.forMs, c);
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
  private first(c: CondRt, prev: number | undefined, cur: number | undefined, now: number, t: Toucher): void {
    c.fresh = false;
    t.touch(c);
    if (c.op >= UP) {
      if (isInert(c)) return;
      const crossed =
        prev !== undefined && cur !== undefined && (c.op === UP ? prev <= c.a && cur > c.a : prev >= c.a && cur < c.a);
      this.index(c);
      if (crossed) this.cross(c, t);
      return;
    }
    c.raw = cur !== undefined && compareRaw(c, cur);
    if (c.raw) {
      c.heldSince = now;
      c.truth = c.forMs === 0;
    }
    this.index(c);
  }
}
