import type { Fact } from "./facts";

/**
 * The numeric value a predicate field reads from a fact, or undefined when the fact has none.
 * Fields per kind (DESIGN §8): `price`/`bid`/`ask` for market_price; `open high low close volume`
 * of the newest candle; `value` for account and portfolio kinds; `metrics.<name>`.
 *
 * @example readField(fact, "metrics.sharpe")
 */
export function readField(fact: Fact, field: string): number | undefined {
  switch (fact.kind) {
    case "market_price":
      if (field === "price") return fact.data.price;
      if (field === "bid") return fact.data.bid;
      if (field === "ask") return fact.data.ask;
      return undefined;
    case "market_candles": {
      const newest = newestCandle(fact.data.candles);
      if (!newest) return undefined;
      if (field === "open" || field === "high" || field === "low" || field === "close" || field === "volume") {
        return newest[field];
      }
      return undefined;
    }
    case "portfolio_held_asset_metrics":
      // Own names only: `metrics.constructor` must not read what Object.prototype holds.
      return field.startsWith("metrics.") && Object.hasOwn(fact.data.metrics, field.slice(8))
        ? fact.data.metrics[field.slice(8)]
        : undefined;
    default:
      return field === "value" ? fact.data.value : undefined;
  }
}

function newestCandle<C extends { openTime: number }>(candles: C[]): C | undefined {
  let best: C | undefined;
  for (const c of candles) if (!best || c.openTime >= best.openTime) best = c;
  return best;
}

/** Which fields a condition may name for each kind (`metrics.*` means any metric name). */
export const READABLE_FIELDS: Record<Fact["kind"], readonly string[]> = {
  market_price: ["price", "bid", "ask"],
  market_candles: ["open", "high", "low", "close", "volume"],
  approval_pending_count: ["value"],
  account_buying_power_usd: ["value"],
  account_cash_usd: ["value"],
  portfolio_nav_usd: ["value"],
  portfolio_cash_pct: ["value"],
  portfolio_drift_from_target: ["value"],
  portfolio_concentration: ["value"],
  portfolio_held_asset_performance: ["value"],
  portfolio_held_asset_metrics: ["metrics.*"],
};

export function isReadableField(kind: Fact["kind"], field: string): boolean {
  const allowed = READABLE_FIELDS[kind];
  // Any name a push accepts (1–64 characters, dots included: `metrics.pe.ratio` reads "pe.ratio").
  if (allowed.includes("metrics.*")) return /^metrics\.[\s\S]{1,64}$/.test(field);
  return allowed.includes(field);
}
