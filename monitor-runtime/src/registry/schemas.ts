import { z } from "@hono/zod-openapi";
import { MonitorDefinitionSchema, TriggerEventSchema } from "../../../shared/src/events";
import { PredicateSchema } from "../../../shared/src/predicate";

/**
 * The registry's response schemas for the OpenAPI document, built from the schemas the fabric
 * validates with. Naming the lazy PredicateSchema makes it one recursive component: the generator
 * renders each nested `all` / `any` / `not` as a `$ref` to `#/components/schemas/Predicate`.
 *
 * @example responses: { 200: { description: "The monitor", content: { "application/json": { schema: MonitorSchema } } } }
 */
PredicateSchema.openapi("Predicate", {
  description:
    "A condition, or { all: [Predicate…] } / { any: [Predicate…] } / { not: Predicate } (depth ≤ 8, ≤ 32 conditions)",
});

export const MonitorStateSchema = z
  .object({
    matchCount: z.number().int(),
    lastMatchId: z.string().nullable(),
    lastMatchedAt: z.number().int().nullable().describe("epoch ms"),
    tickCount: z.number().int(),
    lastTickAt: z.number().int().nullable().describe("epoch ms"),
    lastTickReason: z.string().nullable(),
  })
  .openapi("MonitorState");

/** A monitor as GET /v1/monitors/{id} and GET /v1/monitors answer it: its definition and its state. */
export const MonitorSchema = MonitorDefinitionSchema.extend({ state: MonitorStateSchema }).openapi("Monitor");

const TriggerEventDoc = TriggerEventSchema.openapi("TriggerEvent");

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
