import { z } from "@hono/zod-openapi";
import type { ExplainPage } from "../../../shared/src/contract/explain";
import { EXPLAIN_LIMITS, ExplainLimitSchema } from "../../../shared/src/contract/explain";
import { MonitorBodySchema, MonitorIdSchema } from "../../../shared/src/monitor";
import { rangeInOrder, TimeInputSchema } from "../../../shared/src/time-input";

/**
 * The explain routes' bodies and answer, for validation and the OpenAPI document. The answer's
 * schema mirrors the wire type in shared/src/contract/explain.ts (checked below at compile time).
 *
 * @example ExplainRangeBody.parse({ from: "2026-12-01T00:00:00Z", limit: 50 })
 */
const range = {
  from: TimeInputSchema.optional().describe("RFC 3339 with an offset, or epoch ms (default: the log's start)"),
  to: TimeInputSchema.optional().describe("RFC 3339 with an offset, or epoch ms (default: the log's end)"),
  limit: ExplainLimitSchema.optional().describe(
    `rows per page, 1–${EXPLAIN_LIMITS.maxRows} (default ${EXPLAIN_LIMITS.defaultRows})`,
  ),
  cursor: z.string().min(1).max(700).optional().describe("nextCursor of the previous page"),
};

export const ExplainRangeBody = z.strictObject(range).superRefine(rangeInOrder);

/** A definition not saved (yet): the body PUT takes, with an optional monitorId for its matchIds. */
export const ExplainDefinitionBody = z
  .strictObject({
    monitor: MonitorBodySchema.safeExtend({ monitorId: MonitorIdSchema.optional() }),
    ...range,
  })
  .superRefine(rangeInOrder);

const Nullable = z.number().nullable();
const ConditionSchema = z
  .object({
    index: z.number().int(),
    path: z.string().describe("the condition's place in the predicate, e.g. all.1 (empty: the whole predicate)"),
    evaluated: z.boolean().describe("false: this fact did not sample the condition; its truth carried over"),
    sample: Nullable,
    change: z
      .object({ value: Nullable, base: z.object({ observedAt: z.number().int(), value: z.number() }).nullable() })
      .optional(),
    indicator: z.object({ kind: z.string(), value: Nullable }).optional(),
    operand: z.object({ value: Nullable }).optional(),
    compared: Nullable,
    previous: Nullable,
    comparison: z.string(),
    truth: z.boolean(),
    reason: z.string(),
  })
  .openapi("ExplainCondition");

const DecisionSchema = z
  .object({
    outcome: z.enum(["matched", "suppressed", "false", "disabled", "expired"]),
    matchId: z.string().optional().describe("when matched"),
    reason: z.string(),
  })
  .openapi("ExplainDecision");

const RowSchema = z
  .object({
    eventId: z.string(),
    observedAt: z.number().int().describe("epoch ms"),
    streamKey: z.string(),
    stream: z.object({ kind: z.string(), subject: z.record(z.string(), z.string()) }),
    conditions: z.array(ConditionSchema),
    truth: z.boolean(),
    decision: DecisionSchema,
  })
  .openapi("ExplainRow");

export const ExplainPageSchema = z
  .object({
    monitorId: z.string(),
    monitorVersion: z.number().int(),
    rows: z.array(RowSchema),
    matched: z.number().int(),
    nextCursor: z.string().nullable(),
    notes: z
      .array(z.string())
      .optional()
      .describe(
        "what no row can say: a stream with no fact, a field never carried, stale facts, a threshold's closest miss, facts before the version was registered",
      ),
  })
  .openapi("ExplainPage");

// The wire type must be what the document describes.
type Described = z.output<typeof ExplainPageSchema>;
export const describesWire = (page: ExplainPage): Described => page;
