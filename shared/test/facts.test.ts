import { describe, expect, it } from "vitest";
import { readField } from "../src/fact-values";
import { FACT_KINDS, FactInputSchema } from "../src/facts";
import { MonitorBodySchema } from "../src/monitor";
import { monitor } from "./monitor-fixtures";

const at = "2026-11-22T10:00:00.000Z";
const VALID: Record<string, unknown> = {
  market_price: {
    kind: "market_price",
    subject: { symbol: "BTC-USD" },
    observedAt: at,
    data: { price: 1.5, bid: 1.4, ask: 1.6 },
  },
  market_candles: {
    kind: "market_candles",
    subject: { symbol: "BTC-USD" },
    observedAt: at,
    data: { interval: "1d", candles: [{ openTime: at, open: 1, high: 2, low: 0.5, close: 1.5, volume: 10 }] },
  },
  approval_pending_count: {
    kind: "approval_pending_count",
    subject: { userId: "u1" },
    observedAt: 1,
    data: { value: 3 },
  },
  account_buying_power_usd: {
    kind: "account_buying_power_usd",
    subject: { accountId: "a1" },
    observedAt: at,
    data: { value: -5 },
  },
  account_cash_usd: { kind: "account_cash_usd", subject: { accountId: "a1" }, observedAt: at, data: { value: 10 } },
  portfolio_nav_usd: {
    kind: "portfolio_nav_usd",
    subject: { portfolioId: "p1" },
    observedAt: at,
    data: { value: 1e6 },
  },
  portfolio_cash_pct: {
    kind: "portfolio_cash_pct",
    subject: { portfolioId: "p1" },
    observedAt: at,
    data: { value: 100 },
  },
  portfolio_drift_from_target: {
    kind: "portfolio_drift_from_target",
    subject: { portfolioId: "p1" },
    observedAt: at,
    data: { value: 0 },
  },
  portfolio_concentration: {
    kind: "portfolio_concentration",
    subject: { portfolioId: "p1" },
    observedAt: at,
    data: { value: 42 },
  },
  portfolio_held_asset_performance: {
    kind: "portfolio_held_asset_performance",
    subject: { portfolioId: "p1", asset: "BTC" },
    observedAt: at,
    data: { value: -12.5, window: "1d" },
  },
  portfolio_held_asset_metrics: {
    kind: "portfolio_held_asset_metrics",
    subject: { portfolioId: "p1", asset: "BTC" },
    observedAt: at,
    data: { metrics: { sharpe: 1.2, beta: 0.9 } },
  },
};

const pathsOf = (input: unknown) => {
  const r = FactInputSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => i.path.join("."));
};
const withData = (kind: string, data: unknown) => ({ ...(VALID[kind] as object), data });

describe("fact schemas", () => {
  it.each(FACT_KINDS)("accepts a valid %s fact", (kind) => {
    expect(pathsOf(VALID[kind])).toEqual([]);
  });

  it("normalises observedAt to epoch milliseconds", () => {
    const parsed = FactInputSchema.parse(VALID.market_price);
    expect(parsed.observedAt).toBe(Date.parse(at));
  });

  it.each([
    ["market_price", { price: 0 }, "data.price"],
    ["market_price", { price: -1 }, "data.price"],
    ["market_price", { price: "10" }, "data.price"],
    ["market_price", { price: 1, bid: 0 }, "data.bid"],
    ["portfolio_cash_pct", { value: 100.01 }, "data.value"],
    ["portfolio_drift_from_target", { value: -0.1 }, "data.value"],
    ["portfolio_concentration", { value: 101 }, "data.value"],
    ["approval_pending_count", { value: 1.5 }, "data.value"],
    ["approval_pending_count", { value: -1 }, "data.value"],
    ["account_cash_usd", { value: null }, "data.value"],
    ["portfolio_held_asset_performance", { value: 1 }, "data.window"],
    ["portfolio_held_asset_metrics", { metrics: { sharpe: "high" } }, "data.metrics.sharpe"],
    ["portfolio_held_asset_metrics", { metrics: {} }, "data.metrics"],
  ])("rejects %s data %j at %s", (kind, data, path) => {
    expect(pathsOf(withData(kind, data))).toContain(path);
  });

  it("rejects NaN and infinities (which JSON cannot carry but msgpack can)", () => {
    for (const v of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(pathsOf(withData("account_cash_usd", { value: v }))).toContain("data.value");
    }
  });

  it("rejects an unknown kind, a wrong subject, a bad time and unknown fields", () => {
    expect(pathsOf({ ...(VALID.market_price as object), kind: "weather" })).toContain("kind");
    expect(pathsOf({ ...(VALID.market_price as object), subject: { portfolioId: "p" } })).toContain("subject");
    expect(pathsOf({ ...(VALID.market_price as object), observedAt: "yesterday" })).toContain("observedAt");
    expect(pathsOf({ ...(VALID.market_price as object), extra: 1 })).toEqual([""]);
    expect(pathsOf(withData("market_candles", { interval: "1d", candles: [] }))).toContain("data.candles");
  });

  it("holds a candle's open and close within its low–high range, naming each field outside it", () => {
    const at = 1_700_000_000_000;
    const candle = (c: Record<string, number>) => ({
      interval: "1d",
      candles: [{ openTime: at, open: 1, high: 2, low: 0.5, close: 1.5, volume: 10, ...c }],
    });
    expect(pathsOf(withData("market_candles", candle({ open: 5, close: 9, high: 2 })))).toEqual([
      "data.candles.0.open",
      "data.candles.0.close",
    ]);
    expect(pathsOf(withData("market_candles", candle({ close: 0.4 })))).toEqual(["data.candles.0.close"]);
    expect(pathsOf(withData("market_candles", candle({ low: 3 })))).toEqual(["data.candles.0.low"]);
    // A bar that opens at its low and closes at its high is a candle.
    expect(pathsOf(withData("market_candles", candle({ open: 0.5, close: 2 })))).toEqual([]);
  });

  // Epoch ms input is 0 … 8.64e15; the same instants as RFC 3339 must be held to the same range, or a
  // pre-1970 date slips in as a negative time that events, wake-ups and the OpenAPI schemas refuse.
  it("holds an RFC 3339 time to the range epoch ms has (nothing before 1970)", () => {
    for (const t of ["1969-12-31T23:59:59.999Z", "0000-01-01T00:00:00Z", "1970-01-01T00:30:00+01:00"]) {
      expect(pathsOf({ ...(VALID.market_price as object), observedAt: t })).toEqual(["observedAt"]);
      expect(pathsOf({ ...(VALID.market_price as object), observedAt: Date.parse(t) })).toEqual(["observedAt"]);
    }
    expect(
      FactInputSchema.parse({ ...(VALID.market_price as object), observedAt: "1970-01-01T00:00:00Z" }),
    ).toMatchObject({ observedAt: 0 });
    const candle = { openTime: "1969-12-31T00:00:00Z", open: 1, high: 2, low: 0.5, close: 1.5, volume: 10 };
    expect(pathsOf(withData("market_candles", { interval: "1d", candles: [candle] }))).toEqual([
      "data.candles.0.openTime",
    ]);
  });

  // A push takes any metric name of 1–64 characters; a predicate that could not name one of them
  // would leave its facts stored but never matchable.
  it("lets a predicate read every metric name a push accepts, dotted ones too (metrics.pe.ratio)", () => {
    const data = { metrics: { "pe.ratio": 21.5, "return.1d": -0.4 } };
    const fact = FactInputSchema.parse(withData("portfolio_held_asset_metrics", data));
    const stream = { kind: "portfolio_held_asset_metrics", subject: { portfolioId: "pf_1", asset: "AAPL" } };
    for (const [name, value] of Object.entries(data.metrics)) {
      const field = `metrics.${name}`;
      const body = monitor({ stream, field, op: "gt", value: 0 });
      expect(MonitorBodySchema.safeParse(body).success).toBe(true);
      expect(readField(fact, field)).toBe(value);
    }
    const tooLong = monitor({ stream, field: `metrics.${"m".repeat(65)}`, op: "gt", value: 0 });
    expect(MonitorBodySchema.safeParse(tooLong).success).toBe(false);
  });

  // metrics is a plain object: a predicate on `metrics.constructor` must read the fact's own
  // metric of that name, never a function or object inherited from Object.prototype.
  it("reads only a fact's own metrics, never what every object inherits", () => {
    const fact = FactInputSchema.parse(withData("portfolio_held_asset_metrics", { metrics: { sharpe: 1.2 } }));
    for (const name of ["constructor", "toString", "__proto__", "hasOwnProperty", "valueOf"])
      expect(readField(fact, `metrics.${name}`), name).toBeUndefined();
    const own = FactInputSchema.parse(withData("portfolio_held_asset_metrics", { metrics: { constructor: 3 } }));
    expect(readField(own, "metrics.constructor")).toBe(3);
  });
});
