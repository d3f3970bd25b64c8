import type { z } from "zod";
import type { FactKind, KIND_SCHEMAS } from "../../shared/src/facts";
import type { Condition, FirePolicy, Indicator, Op, Operand, Predicate } from "../../shared/src/predicate";
import { type Duration, toMs } from "./duration";

/**
 * A predicate builder whose output is exactly the fabric's predicate JSON (`PredicateSchema`):
 *
 * @example
 * all(price("BTC-USD").crossesAbove(100_000).hysteresis(500),
 *     not(stream("approval_pending_count", { userId: "u_1" }).field("value").gt(0)))
 * price("ETH-USD").change("1h", "pct").lt(-5).for("5m")
 * price("SPX").sma(50).crossesAbove(price("SPX").sma(200))           // golden cross
 * stream("market_price", { symbol: "X" }).field("ask").gt(stream("market_price", { symbol: "X" }).field("bid").times(1.005))
 */
export type Subject<K extends FactKind> = z.input<(typeof KIND_SCHEMAS)[K]["subject"]>;

/** The fields a condition may read, per kind (`metrics.<name>` for held-asset metrics). */
export type FieldOf<K extends FactKind> = K extends "market_price"
  ? "price" | "bid" | "ask"
  : K extends "market_candles"
    ? "open" | "high" | "low" | "close" | "volume"
    : K extends "portfolio_held_asset_metrics"
      ? `metrics.${string}`
      : "value";

/** Anything that becomes a predicate: a builder, or predicate JSON written by hand. */
export type PredicateLike = Predicate | { toJSON(): Predicate };

export function toPredicate(p: PredicateLike): Predicate {
  // A plain value (even a missing one, from JavaScript or a JSON editor) goes as it is, so the
  // fabric's 400 names what is wrong with it.
  const builder = typeof p === "object" && p !== null && "toJSON" in p && typeof p.toJSON === "function";
  return builder ? p.toJSON() : (p as Predicate);
}

class Node {
  constructor(private readonly json: Predicate) {}
  toJSON(): Predicate {
    return this.json;
  }
}

export class ConditionBuilder {
  constructor(protected readonly c: Condition) {}
  /** True only once the comparison has held on every fact for this long (event time). */
  for(d: Duration): ConditionBuilder {
    return new ConditionBuilder({ ...this.c, forMs: toMs(d) });
  }
  toJSON(): Condition {
    return { ...this.c };
  }
}

export class CrossingBuilder extends ConditionBuilder {
  /** After firing, re-arm only once the value has gone back past the level ∓ h. */
  hysteresis(h: number): CrossingBuilder {
    return new CrossingBuilder({ ...this.c, hysteresis: h });
  }
  override for(d: Duration): CrossingBuilder {
    return new CrossingBuilder({ ...this.c, forMs: toMs(d) });
  }
}

/** The right side of a relative condition: another series, scaled (`times`) and shifted (`plus`). */
export class OperandBuilder {
  constructor(private readonly o: Operand) {}
  /** times × (this side): multiplies the scale and the shift already given. */
  times(t: number): OperandBuilder {
    const { times = 1, plus } = this.o;
    return new OperandBuilder({ ...this.o, times: times * t, ...(plus === undefined ? {} : { plus: plus * t }) });
  }
  plus(p: number): OperandBuilder {
    return new OperandBuilder({ ...this.o, plus: (this.o.plus ?? 0) + p });
  }
  minus(p: number): OperandBuilder {
    return this.plus(-p);
  }
  toJSON(): Operand {
    return { ...this.o };
  }
}

/** What a comparison takes on its right: a number, or another series (an operand). */
export type OperandLike = FieldBuilder<FactKind> | OperandBuilder;

abstract class Comparisons<R> {
  protected abstract cond(op: Op, value: Condition["value"]): Condition;
  private rhs(v: R): Condition["value"] {
    if (typeof v === "number") return v;
    return (v as OperandLike).toJSON() as Operand;
  }
  gt(v: R) {
    return new ConditionBuilder(this.cond("gt", this.rhs(v)));
  }
  gte(v: R) {
    return new ConditionBuilder(this.cond("gte", this.rhs(v)));
  }
  lt(v: R) {
    return new ConditionBuilder(this.cond("lt", this.rhs(v)));
  }
  lte(v: R) {
    return new ConditionBuilder(this.cond("lte", this.rhs(v)));
  }
  eq(v: R) {
    return new ConditionBuilder(this.cond("eq", this.rhs(v)));
  }
  neq(v: R) {
    return new ConditionBuilder(this.cond("neq", this.rhs(v)));
  }
  between(lo: number, hi: number) {
    return new ConditionBuilder(this.cond("between", [lo, hi]));
  }
  outside(lo: number, hi: number) {
    return new ConditionBuilder(this.cond("outside", [lo, hi]));
  }
  crossesAbove(level: R) {
    return new CrossingBuilder(this.cond("crosses_above", this.rhs(level)));
  }
  crossesBelow(level: R) {
    return new CrossingBuilder(this.cond("crosses_below", this.rhs(level)));
  }
}

type StreamRefOf<K extends FactKind> = { kind: K; subject: Subject<K> };

function streamJson<K extends FactKind>(ref: StreamRefOf<K>): Condition["stream"] {
  return { kind: ref.kind, subject: { ...(ref.subject as Record<string, string>) } };
}

/**
 * One series (a stream's field), optionally through an indicator: compare it with a number or with
 * another series, or use it as another comparison's right side (`times`, `plus`, `minus`).
 *
 * @example price("SPX").sma(50).crossesAbove(price("SPX").sma(200))
 * @example price("ETH-USD").crossesAbove(price("BTC-USD").times(0.05))
 */
export class FieldBuilder<K extends FactKind> extends Comparisons<number | OperandLike> {
  constructor(
    private readonly ref: StreamRefOf<K>,
    private readonly name: FieldOf<K>,
    private readonly indicatorOf?: Indicator,
  ) {
    super();
  }

  /** Compare the change over a window instead of the value (`"pct"`: in percent of the old sample). */
  change(window: Duration, mode: "abs" | "pct" = "abs"): ChangeBuilder<K> {
    return new ChangeBuilder(this.ref, this.name, { windowMs: toMs(window), mode });
  }
  /** The simple moving average of the last n samples (2 ≤ n ≤ 1000). */
  sma(n: number): FieldBuilder<K> {
    return new FieldBuilder(this.ref, this.name, { kind: "sma", samples: n });
  }
  /** The exponential moving average (α = 2 / (n + 1), seeded with the sma of the first n). */
  ema(n: number): FieldBuilder<K> {
    return new FieldBuilder(this.ref, this.name, { kind: "ema", samples: n });
  }
  /** Wilder's relative strength index over n changes (0–100). */
  rsi(n: number): FieldBuilder<K> {
    return new FieldBuilder(this.ref, this.name, { kind: "rsi", samples: n });
  }
  /** sma(n) + k population standard deviations (0 < k ≤ 10). */
  bollingerUpper(n: number, k: number): FieldBuilder<K> {
    return new FieldBuilder(this.ref, this.name, { kind: "bollinger_upper", samples: n, k });
  }
  /** sma(n) − k population standard deviations (0 < k ≤ 10). */
  bollingerLower(n: number, k: number): FieldBuilder<K> {
    return new FieldBuilder(this.ref, this.name, { kind: "bollinger_lower", samples: n, k });
  }
  /** As a right side: t × this series. */
  times(t: number): OperandBuilder {
    return new OperandBuilder(this.toJSON()).times(t);
  }
  /** As a right side: this series + p. */
  plus(p: number): OperandBuilder {
    return new OperandBuilder(this.toJSON()).plus(p);
  }
  /** As a right side: this series − p. */
  minus(p: number): OperandBuilder {
    return this.plus(-p);
  }
  /** The operand JSON of this series (its stream is always written out). */
  toJSON(): Operand {
    return {
      stream: streamJson(this.ref),
      field: this.name,
      ...(this.indicatorOf ? { indicator: { ...this.indicatorOf } } : {}),
    };
  }

  protected cond(op: Op, value: Condition["value"]): Condition {
    return {
      stream: streamJson(this.ref),
      field: this.name,
      op,
      value,
      ...(this.indicatorOf ? { indicator: { ...this.indicatorOf } } : {}),
    };
  }
}

/** A series' change over a window: compared with numbers only (DESIGN §8: no operand with change). */
export class ChangeBuilder<K extends FactKind> extends Comparisons<number> {
  constructor(
    private readonly ref: StreamRefOf<K>,
    private readonly name: FieldOf<K>,
    private readonly changeOf: NonNullable<Condition["change"]>,
  ) {
    super();
  }

  protected cond(op: Op, value: Condition["value"]): Condition {
    return { stream: streamJson(this.ref), field: this.name, op, value, change: { ...this.changeOf } };
  }
}

export class StreamBuilder<K extends FactKind> {
  constructor(private readonly ref: { kind: K; subject: Subject<K> }) {}
  field(name: FieldOf<K>): FieldBuilder<K> {
    return new FieldBuilder(this.ref, name);
  }
}

/** Any stream: `stream("portfolio_cash_pct", { portfolioId: "pf_1" }).field("value").gt(20)`. */
export function stream<K extends FactKind>(kind: K, subject: Subject<K>): StreamBuilder<K> {
  return new StreamBuilder({ kind, subject });
}

/** `market_price` of a symbol, field `price`. */
export function price(symbol: string): FieldBuilder<"market_price"> {
  return stream("market_price", { symbol }).field("price");
}

export function all(...ps: [PredicateLike, ...PredicateLike[]]): { toJSON(): Predicate } {
  return new Node({ all: ps.map(toPredicate) });
}
export function any(...ps: [PredicateLike, ...PredicateLike[]]): { toJSON(): Predicate } {
  return new Node({ any: ps.map(toPredicate) });
}
export function not(p: PredicateLike): { toJSON(): Predicate } {
  return new Node({ not: toPredicate(p) });
}

/** Fire policies: the monitor body's `fire`. */
export type FirePolicyInput = Partial<FirePolicy>;

/** Match when the predicate turns true (false or never evaluated → true); the default. */
export function edge(o: { once?: boolean } = {}): FirePolicyInput {
  return { mode: "edge", ...(o.once ? { once: true } : {}) };
}
/** Match at every fact while true, at most once per cooldown of event time. */
export function level(o: { cooldown?: Duration; once?: boolean } = {}): FirePolicyInput {
  return {
    mode: "level",
    ...(o.cooldown === undefined ? {} : { cooldownMs: toMs(o.cooldown) }),
    ...(o.once ? { once: true } : {}),
  };
}
/** Stop the monitor after its first match (edge). */
export function once(): FirePolicyInput {
  return { mode: "edge", once: true };
}
