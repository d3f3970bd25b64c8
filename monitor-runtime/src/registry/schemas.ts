import { z } from "@hono/zod-openapi";
import { MonitorDefinitionSchema, TriggerEventSchema } from "../../../shared/src/events";
import { FactKindSchema } from "../../../shared/src/facts";
import { docSchema } from "../../../shared/src/http/openapi-docs";
import { PredicateSchema } from "../../../shared/src/predicate";

/**
 * The registry's response schemas for the OpenAPI document, built from the schemas the fabric
 * validates with. Naming the lazy PredicateSchema makes it one recursive component: the generator
 * renders each nested `all` / `any` / `not` as a `$ref` to `#/components/schemas/Predicate`.
 *
 * @example responses: { 200: { description: "The monitor", content: { "application/json": { schema: MonitorSchema } } } }
 */
docSchema(PredicateSchema, "Predicate", {
  description:
    "A condition, or { all: [Predicate…] } / { any: [Predicate…] } / { not: Predicate } (depth ≤ 8, ≤ 32 conditions)",
});

export const MonitorStateSchema = z
  .object({
    matchCount: z.number().int(),
    lastMatchId: z.string().nullable(),
    lastMatchedAt: z.number().int().nullable().describe("epoch ms"),
    tickCount: z
      .number()
      .int()
      .describe(
        "Ticks of its workflow that acted for this monitor: its scheduled ticks and every tick that carried one of its matches (one wake can carry the matches of several monitors of a workflow)",
      ),
    lastTickAt: z.number().int().nullable().describe("epoch ms"),
    lastTickReason: z.string().nullable(),
  })
  .openapi("MonitorState");

/**
 * A monitor as GET /v1/monitors/{id} and GET /v1/monitors answer it: its definition (expiresAt in
 * epoch ms, like every time a read returns), its status and its state.
 */
export const MonitorSchema = docSchema(
  MonitorDefinitionSchema.extend({
    expiresAt: z
      .number()
      .int()
      .optional()
      .describe("epoch ms: no match from a fact observed at or after it; the monitor reads as expired from then on"),
    status: z
      .enum(["active", "disabled", "expired"])
      .describe(
        "expired once wall-clock time reaches expiresAt (an update with a later expiresAt revives it); else disabled when enabled is false or a once monitor's version in force has matched (an update re-arms it); else active",
      ),
    state: MonitorStateSchema,
  }),
  "Monitor",
);

const TriggerEventDoc = docSchema(TriggerEventSchema, "TriggerEvent");

/** A match as GET /v1/monitors/{id}/matches answers it (event-time order). */
export const MatchSchema = z
  .object({
    matchId: z.string(),
    monitorId: z.string(),
    monitorVersion: z.number().int(),
    eventId: z.string(),
    observedAt: z.number().int().describe("epoch ms"),
    workflowId: z.string(),
    portfolioId: z.string().nullable(),
    triggerEvent: TriggerEventDoc,
  })
  .openapi("Match");

/** A match as a backtest reports it: also the stream it fired on and the monitor's owner. */
export const BacktestMatchSchema = MatchSchema.extend({ streamKey: z.string(), ownerUserId: z.string() }).openapi(
  "BacktestMatch",
);

/** A fact as a stream stores it: the producer's fact (observedAt in epoch ms) and what ingest assigned. */
export const StoredFactSchema = z
  .looseObject({
    kind: FactKindSchema,
    subject: z.record(z.string(), z.string()).openapi({ example: { symbol: "BTC-USD" } }),
    observedAt: z.number().int().describe("epoch ms"),
    dedupeKey: z.string().optional(),
    data: z.record(z.string(), z.unknown()).openapi({ example: { price: 100250.5 } }),
    eventId: z.string(),
    producerId: z.string(),
    receivedAt: z.number().int().describe("epoch ms"),
    streamKey: z.string().openapi({ example: "market_price:BTC-USD" }),
  })
  .openapi("StoredFact");
