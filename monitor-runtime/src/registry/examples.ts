import type { z } from "@hono/zod-openapi";
import type { ExplainPage } from "../../../shared/src/contract/explain";
import type { MonitorBodySchema } from "../../../shared/src/monitor";
import type { Predicate } from "../../../shared/src/predicate";
import type { BacktestMatchSchema, MatchSchema, MonitorSchema, StoredFactSchema } from "./schemas";

/**
 * Examples for the registry's and the list reads' operations in the OpenAPI document. Typed by the
 * schemas they illustrate (tsc checks them), and `@redocly/cli lint` checks each against the
 * generated document (no-invalid-media-type-examples), so an example cannot drift from its schema.
 *
 * @example content: { "application/json": { schema: MonitorSchema, example: MONITOR_EXAMPLE } }
 */
const btc = { kind: "market_price", subject: { symbol: "BTC-USD" } } as const;
const predicate: Predicate = {
  all: [
    { stream: btc, field: "price", op: "crosses_above", value: 100000 },
    { not: { stream: btc, field: "price", op: "gt", value: 150000 } },
  ],
};

export const MONITOR_BODY_EXAMPLE: z.input<typeof MonitorBodySchema> = {
  workflowId: "wf_1",
  ownerUserId: "u_1",
  linkedPortfolioIds: ["pf_1"],
  predicate,
  fire: { mode: "edge", cooldownMs: 60000, once: false },
  expiresAt: "2027-01-01T00:00:00Z",
};

export const MONITOR_EXAMPLE: z.output<typeof MonitorSchema> = {
  monitorId: "btc-100k",
  version: 1,
  workflowId: "wf_1",
  ownerUserId: "u_1",
  linkedPortfolioIds: ["pf_1"],
  predicate,
  fire: { mode: "edge", cooldownMs: 60000, once: false },
  enabled: true,
  expiresAt: 1798761600000,
  status: "active",
  state: {
    matchCount: 1,
    lastMatchId: "btc-100k~1~01KBQ3Z0A1B2C3D4E5F6G7H8J9",
    lastMatchedAt: 1764942600000,
    tickCount: 1,
    lastTickAt: 1764942601000,
    lastTickReason: "trigger_match",
  },
};

const triggerEvent = {
  ...btc,
  observedAt: 1764942600000,
  data: { price: 100250.5 },
  eventId: "01KBQ3Z0A1B2C3D4E5F6G7H8J9",
};

export const MATCH_EXAMPLE: z.output<typeof MatchSchema> = {
  matchId: "btc-100k~1~01KBQ3Z0A1B2C3D4E5F6G7H8J9",
  monitorId: "btc-100k",
  monitorVersion: 1,
  eventId: "01KBQ3Z0A1B2C3D4E5F6G7H8J9",
  observedAt: 1764942600000,
  workflowId: "wf_1",
  portfolioId: "pf_1",
  triggerEvent,
};

export const BACKTEST_MATCH_EXAMPLE: z.output<typeof BacktestMatchSchema> = {
  ...MATCH_EXAMPLE,
  streamKey: "market_price:BTC-USD",
  ownerUserId: "u_1",
};

export const STORED_FACT_EXAMPLE: z.output<typeof StoredFactSchema> = {
  ...triggerEvent,
  producerId: "dev-market",
  receivedAt: 1764942600120,
  streamKey: "market_price:BTC-USD",
};

export const EXPLAIN_PAGE_EXAMPLE: ExplainPage = {
  monitorId: "btc-100k",
  monitorVersion: 1,
  rows: [
    {
      eventId: "01KBQ3Z0A1B2C3D4E5F6G7H8J9",
      observedAt: 1764942600000,
      streamKey: "market_price:BTC-USD",
      stream: { kind: "market_price", subject: { symbol: "BTC-USD" } },
      conditions: [
        {
          index: 0,
          path: "all.0",
          evaluated: true,
          sample: 100400,
          compared: 100400,
          previous: 99200,
          comparison: "99200 → 100400 crosses above 100000",
          truth: true,
          reason: "crossed from 99200 to 100400",
        },
        {
          index: 1,
          path: "all.1.not",
          evaluated: true,
          sample: 100400,
          compared: 100400,
          previous: 99200,
          comparison: "100400 > 150000",
          truth: false,
          reason: "100400 is not > 150000",
        },
      ],
      truth: true,
      decision: { outcome: "matched", matchId: "btc-100k~1~01KBQ3Z0A1B2C3D4E5F6G7H8J9", reason: "matched" },
    },
  ],
  matched: 1,
  nextCursor: null,
};
