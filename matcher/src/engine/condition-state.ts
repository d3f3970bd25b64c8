import type { CompiledCondition, CompiledMonitor, Source } from "./runtime-types";

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

/**
 * The fields most conditions do not need: a range's upper bound, hysteresis, and forMs with the
 * start of the current run (heldSince). A condition without them holds none (`rare` undefined).
 */
export class RareConditionFields {
  constructor(
    readonly b: number,
    readonly h: number,
    readonly forMs: number,
    public heldSince: number,
  ) {}
}

/**
 * A CompiledCondition (runtime-types.ts) packed small: a million conditions must fit in little
 * memory. `raw` is the bare comparison at the last evaluation (it drives forMs), `truth` the
 * condition's value, `heldSince` the start of the current run of raw = true (NaN: none; kept only
 * when forMs > 0), `armed` the hysteresis latch, `fresh` = never evaluated, `dead` = removed
 * (lazily dropped from lists). Flags and the operator share one small integer and the rare
 * parameters live in `rare`.
 *
 * @example new PackedCondition(monitor, GT, 100, undefined)
 */
export class PackedCondition implements CompiledCondition {
  source: Source | undefined = undefined;
  private bits: number;
  constructor(
    readonly monitor: CompiledMonitor,
    op: number,
    readonly a: number,
    readonly rare: RareConditionFields | undefined,
  ) {
    this.bits = (op << OP_SHIFT) | FRESH | ARMED;
  }

  get op(): number {
    return this.bits >>> OP_SHIFT;
  }
  get b(): number {
    return this.rare ? this.rare.b : 0;
  }
  get h(): number {
    return this.rare ? this.rare.h : Number.NaN;
  }
  get forMs(): number {
    return this.rare ? this.rare.forMs : 0;
  }
  get heldSince(): number {
    return this.rare ? this.rare.heldSince : Number.NaN;
  }
  set heldSince(v: number) {
    if (this.rare) this.rare.heldSince = v;
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

/** The bare comparison of a threshold or range condition with the compared value d. */
export function compareRaw(c: CompiledCondition, d: number): boolean {
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
export function isInert(c: CompiledCondition): boolean {
  return c.op >= UP && c.forMs > 0;
}
