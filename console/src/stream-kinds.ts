/**
 * The fact kinds, for the Streams page's kind filter. The fabric's list (shared/src/facts.ts)
 * lives beside its zod schemas, which the console does not bundle; shared/test/stream-list.test.ts
 * checks that this copy says the same.
 */
export const STREAM_KINDS = [
  "market_price",
  "market_candles",
  "approval_pending_count",
  "account_buying_power_usd",
  "account_cash_usd",
  "portfolio_nav_usd",
  "portfolio_cash_pct",
  "portfolio_drift_from_target",
  "portfolio_concentration",
  "portfolio_held_asset_performance",
  "portfolio_held_asset_metrics",
] as const;
