import type { z } from "zod";
import type { FactKind, KIND_SCHEMAS } from "../../shared/src/facts";
import type { Condition, FirePolicy, Op, Predicate } from "../../shared/src/predicate";
import { type Duration, toMs } from "./duration";

/**
 * A predicate builder whose output is exactly the fabric's predicate JSON (`PredicateSchema`):
 *
 * @example
 * all(price("BTC-USD").crossesAbove(100_000).hysteresis(500),
 *     not(stream("approval_pending_count", { userId: "u_1" }).field("value").gt(0)))
 * price("ETH-USD").change("1h", "pct").lt(-5).for("5m")
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
  return "toJSON" in p && typeof p.toJSON === "function" ? p.toJSON() : (p as Predicate);
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

export class FieldBuilder<K extends FactKind> {
  constructor(
    private readonly ref: { kind: K; subject: Subject<K> },
    private readonly name: FieldOf<K>,
    private readonly changeOf?: Condition["change"],
  ) {}

  /** Compare the change over a window instead of the value (`"pct"`: in percent of the old sample). */
  change(window: Duration, mode: "abs" | "pct" = "abs"): FieldBuilder<K> {
    return new FieldBuilder(this.ref, this.name, { windowMs: toMs(window), mode });
  }

  private cond(op: Op, value: number | [number, number]): Condition {
    return {
      stream: { kind: this.ref.kind, subject: { ...(this.ref.subject as Record<string, string>) } },
      field: this.name,
      op,
      value,
      ...(this.changeOf ? { change: { ...this.changeOf } } : {}),
    };
  }

  gt(v: number) {
    return new ConditionBuilder(this.cond("gt", v));
  }
  gte(v: number) {
    return new ConditionBuilder(this.cond("gte", v));
  }
  lt(v: number) {
    return new ConditionBuilder(this.cond("lt", v));
  }
  lte(v: number) {
    return new ConditionBuilder(this.cond("lte", v));
  }
  eq(v: number) {
    return new ConditionBuilder(this.cond("eq", v));
  }
  neq(v: number) {
    return new ConditionBuilder(this.cond("neq", v));
  }
  between(lo: number, hi: number) {
    return new ConditionBuilder(this.cond("between", [lo, hi]));
  }
  outside(lo: number, hi: number) {
    return new ConditionBuilder(this.cond("outside", [lo, hi]));
  }
  crossesAbove(level: number) {
    return new CrossingBuilder(this.cond("crosses_above", level));
  }
  crossesBelow(level: number) {
    return new CrossingBuilder(this.cond("crosses_below", level));
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
