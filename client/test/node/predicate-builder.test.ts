import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MonitorBodySchema } from "../../../shared/src/monitor";
import { PredicateSchema } from "../../../shared/src/predicate";
import { type Duration, toMs } from "../../src/duration";
import {
  all,
  any,
  type ConditionBuilder,
  edge,
  FieldBuilder,
  level,
  not,
  type OperandLike,
  once,
  type PredicateLike,
  price,
  stream,
  toPredicate,
} from "../../src/predicate";

/**
 * The predicate builder: every predicate it builds parses with the shared PredicateSchema (and, in
 * a monitor body with any fire policy, with MonitorBodySchema) and round-trips through JSON
 * unchanged; the examples of the issue build exactly the README's JSON; the types refuse a field
 * the kind does not have and hysteresis on a non-crossing.
 */
const text = fc.string({ minLength: 1, maxLength: 12 });
const num = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e9, max: 1e9 }).map((x) => (x === 0 ? 0 : x));
const units = ["ms", "s", "m", "h", "d"] as const;
const duration = (maxMs: number): fc.Arbitrary<Duration> =>
  fc.oneof(
    fc.integer({ min: 1, max: maxMs }),
    fc
      .tuple(fc.integer({ min: 1, max: 300 }), fc.constantFrom(...units))
      .map(([n, u]) => `${n}${u}` as Duration)
      .filter((d) => toMs(d) <= maxMs),
  );
const YEAR = 366 * 24 * 3600 * 1000;

const field: fc.Arbitrary<FieldBuilder<never>> = fc.oneof(
  text.map((s) => price(s)),
  fc
    .tuple(text, fc.constantFrom("price", "bid", "ask") as fc.Arbitrary<"price" | "bid" | "ask">)
    .map(([s, f]) => stream("market_price", { symbol: s }).field(f)),
  fc
    .tuple(text, fc.constantFrom("open", "high", "low", "close", "volume") as fc.Arbitrary<"close">)
    .map(([s, f]) => stream("market_candles", { symbol: s }).field(f)),
  text.map((u) => stream("approval_pending_count", { userId: u }).field("value")),
  text.map((p) => stream("portfolio_cash_pct", { portfolioId: p }).field("value")),
  fc
    .tuple(text, text, fc.stringMatching(/^[a-z_]{1,20}$/))
    .map(([p, a, m]) => stream("portfolio_held_asset_metrics", { portfolioId: p, asset: a }).field(`metrics.${m}`)),
) as fc.Arbitrary<FieldBuilder<never>>;

const samples = fc.integer({ min: 2, max: 1000 });
const k = fc.double({ noNaN: true, min: 0.01, max: 10 });
/** A series, maybe through an indicator. */
const series = fc
  .tuple(field, fc.nat(5), samples, k)
  .map(([f, which, n, kk]) =>
    which === 0
      ? f.sma(n)
      : which === 1
        ? f.ema(n)
        : which === 2
          ? f.rsi(n)
          : which === 3
            ? f.bollingerUpper(n, kk)
            : which === 4
              ? f.bollingerLower(n, kk)
              : f,
  );
/** The right side of a comparison: a number, or another series maybe scaled and shifted. */
const rhs: fc.Arbitrary<number | OperandLike> = fc.oneof(
  num,
  series,
  fc.tuple(series, num, num).map(([f, t, p]) => f.times(t).plus(p)),
  fc.tuple(series, num).map(([f, p]) => f.minus(p)),
);

const withChange = fc
  .tuple(series, fc.option(fc.tuple(duration(YEAR), fc.constantFrom("abs", "pct") as fc.Arbitrary<"abs" | "pct">)))
  .map(([f, c]) => (c ? f.change(c[0], c[1]) : f));

const condition: fc.Arbitrary<ConditionBuilder> = fc
  .tuple(
    withChange,
    fc.constantFrom("gt", "gte", "lt", "lte", "eq", "neq", "between", "outside", "crossesAbove", "crossesBelow"),
    num,
    num,
    rhs,
    fc.option(duration(YEAR)),
    fc.option(fc.double({ noNaN: true, noDefaultInfinity: true, min: 0, max: 1e6 })),
  )
  .map(([f, op, a, b, right, forD, h]) => {
    let c: ConditionBuilder;
    // A change compares with numbers only (its type refuses an operand); a series takes either.
    const r = f instanceof FieldBuilder ? right : a;
    if (op === "between" || op === "outside") c = f[op](Math.min(a, b), Math.max(a, b));
    else if (op === "crossesAbove" || op === "crossesBelow") {
      const cross = f instanceof FieldBuilder ? f[op](r) : f[op](a);
      c = h === null ? cross : cross.hysteresis(h);
    } else c = f instanceof FieldBuilder ? f[op](r) : f[op](a);
    return forD === null ? c : c.for(forD);
  });

const predicate: fc.Arbitrary<PredicateLike> = fc.letrec<{ p: PredicateLike }>((tie) => ({
  p: fc.oneof(
    { depthSize: "small", maxDepth: 3 },
    condition,
    fc.array(tie("p"), { minLength: 1, maxLength: 3 }).map((ps) => all(...(ps as [PredicateLike]))),
    fc.array(tie("p"), { minLength: 1, maxLength: 3 }).map((ps) => any(...(ps as [PredicateLike]))),
    tie("p").map((p) => not(p)),
  ),
})).p;

const fire = fc.oneof(
  fc.constant(undefined),
  fc.boolean().map((o) => edge({ once: o })),
  fc
    .tuple(fc.option(duration(YEAR)), fc.boolean())
    .map(([c, o]) => level({ ...(c === null ? {} : { cooldown: c }), once: o })),
  fc.constant(once()),
);

describe("predicate builder", () => {
  it("every built predicate parses with PredicateSchema and round-trips through JSON", () => {
    fc.assert(
      fc.property(predicate, (built) => {
        const json = JSON.parse(JSON.stringify(built));
        expect(json).toEqual(toPredicate(built));
        const parsed = PredicateSchema.safeParse(json);
        expect(parsed.error?.issues ?? []).toEqual([]);
        expect(parsed.data).toEqual(json);
      }),
      { numRuns: 300 },
    );
  });

  it("every built monitor body parses with MonitorBodySchema, the fire policy included", () => {
    fc.assert(
      fc.property(predicate, fire, (p, f) => {
        const body = JSON.parse(
          JSON.stringify({ workflowId: "wf", ownerUserId: "u", predicate: p, ...(f ? { fire: f } : {}) }),
        );
        const parsed = MonitorBodySchema.safeParse(body);
        expect(parsed.error?.issues ?? []).toEqual([]);
        expect(parsed.data?.predicate).toEqual(body.predicate);
        if (f) expect(parsed.data?.fire).toMatchObject(f);
      }),
      { numRuns: 200 },
    );
  });

  it("builds the README's predicates", () => {
    expect(toPredicate(price("BTC-USD").crossesAbove(100_000).hysteresis(500))).toEqual({
      stream: { kind: "market_price", subject: { symbol: "BTC-USD" } },
      field: "price",
      op: "crosses_above",
      value: 100000,
      hysteresis: 500,
    });
    expect(toPredicate(price("ETH-USD").change("1h", "pct").lt(-5))).toEqual({
      stream: { kind: "market_price", subject: { symbol: "ETH-USD" } },
      field: "price",
      change: { windowMs: 3600000, mode: "pct" },
      op: "lt",
      value: -5,
    });
    expect(
      toPredicate(stream("portfolio_drift_from_target", { portfolioId: "pf_1" }).field("value").gt(5).for("24h")),
    ).toMatchObject({ forMs: 86400000 });
    expect(
      toPredicate(
        all(
          stream("market_candles", { symbol: "ETH-USD" }).field("close").outside(2800, 3200),
          not(stream("approval_pending_count", { userId: "u_1" }).field("value").gt(0)),
        ),
      ),
    ).toEqual({
      all: [
        {
          stream: { kind: "market_candles", subject: { symbol: "ETH-USD" } },
          field: "close",
          op: "outside",
          value: [2800, 3200],
        },
        {
          not: {
            stream: { kind: "approval_pending_count", subject: { userId: "u_1" } },
            field: "value",
            op: "gt",
            value: 0,
          },
        },
      ],
    });
    expect(level({ cooldown: "10m" })).toEqual({ mode: "level", cooldownMs: 600_000 });
    expect(edge()).toEqual({ mode: "edge" });
    expect(once()).toEqual({ mode: "edge", once: true });
  });

  it("reads durations as ms or with a unit, and refuses anything else", () => {
    expect([toMs("500ms"), toMs("30s"), toMs("5m"), toMs("24h"), toMs("7d"), toMs(1234)]).toEqual([
      500, 30_000, 300_000, 86_400_000, 604_800_000, 1234,
    ]);
    expect(() => toMs("5 minutes" as Duration)).toThrow(/expected a duration/);
    expect(() => toMs(-1)).toThrow(RangeError);
  });

  it("is typed: a field the kind lacks, hysteresis on a comparison, a wrong subject do not compile", () => {
    // Checked by tsc (npm run typecheck), never run: an expected error that stops happening is TS2578.
    const typeOnly = () => {
      // @ts-expect-error market_price has no field "value"
      stream("market_price", { symbol: "X" }).field("value");
      // @ts-expect-error hysteresis applies to crossings only
      price("X").gt(1).hysteresis(5);
      // @ts-expect-error a portfolio stream's subject is { portfolioId }
      stream("portfolio_cash_pct", { symbol: "X" });
      // @ts-expect-error durations are "5m"-style or ms
      price("X").gt(1).for("5 minutes");
    };
    expect(typeof typeOnly).toBe("function");
  });
});

describe("indicator and relative builders", () => {
  it("builds the golden cross, the ETH/BTC ratio and the ask − bid spread as DESIGN §8 writes them", () => {
    const spx = { kind: "market_price", subject: { symbol: "SPX" } };
    expect(toPredicate(price("SPX").sma(50).crossesAbove(price("SPX").sma(200)))).toEqual({
      stream: spx,
      field: "price",
      indicator: { kind: "sma", samples: 50 },
      op: "crosses_above",
      value: { stream: spx, field: "price", indicator: { kind: "sma", samples: 200 } },
    });
    const btc = { kind: "market_price", subject: { symbol: "BTC-USD" } };
    expect(toPredicate(price("ETH-USD").crossesAbove(price("BTC-USD").times(0.05)))).toMatchObject({
      op: "crosses_above",
      value: { stream: btc, field: "price", times: 0.05 },
    });
    const x = stream("market_price", { symbol: "X" });
    expect(toPredicate(x.field("ask").gt(x.field("bid").times(1.005)))).toMatchObject({
      field: "ask",
      op: "gt",
      value: { field: "bid", times: 1.005 },
    });
    expect(toPredicate(price("X").rsi(14).lt(30))).toMatchObject({ indicator: { kind: "rsi", samples: 14 } });
  });
});
