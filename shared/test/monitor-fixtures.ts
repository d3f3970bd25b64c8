/**
 * The smallest valid condition and monitor body, with overrides: what the schema tests vary.
 *
 * @example monitor(cond({ op: "between", value: [1, 2] }))
 */
export const cond = (extra: Record<string, unknown> = {}) => ({
  stream: { kind: "market_price", subject: { symbol: "BTC-USD" } },
  field: "price",
  op: "gt",
  value: 100,
  ...extra,
});

export const monitor = (predicate: unknown, extra: Record<string, unknown> = {}) => ({
  workflowId: "wf",
  ownerUserId: "u",
  predicate,
  ...extra,
});
