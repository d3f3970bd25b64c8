import { z } from "@hono/zod-openapi";
import { FactInputSchema } from "../../../../shared/src/facts";
import { docSchema } from "../../../../shared/src/http/openapi-docs";
import { WakeReasonSchema } from "../session/wake";

/**
 * Request and response bodies of the seed-000 admin contract. The OpenAPI document is generated
 * from these; the handlers validate with the same schemas (400 problem+json naming each path).
 * `triggerEvent` is an authoritative fact packet of any of the 11 kinds (FactInputSchema).
 *
 * @example DueBodySchema.parse({ requestId: "r1", workerId: "cf-1" })
 */
const id = () => z.string().min(1).max(128);
/** One named component in the document instead of the 11-kind union inlined at each use. */
const FactInput = docSchema(FactInputSchema, "FactInput");

export const DueBodySchema = z
  .object({ requestId: id(), workerId: id(), limit: z.number().int().min(1).max(500).optional() })
  .openapi("DueRequest");

export const DueResponseSchema = z
  .object({
    requestId: z.string(),
    workerId: z.string(),
    monitors: z.array(
      z.object({
        monitorId: z.string(),
        workflowId: z.string(),
        userId: z.string(),
        portfolioId: z.string().nullable(),
        nextDueAt: z.number(),
        instanceId: z.string(),
      }),
    ),
  })
  .openapi("DueResponse");

export const TickBodySchema = z
  .object({
    requestId: id(),
    workerId: id(),
    workflowId: id(),
    monitorId: id().optional(),
    reason: z.string().min(1).max(64).default("manual"),
    triggerEvent: FactInput.optional(),
    // An optional extension of seed 000's tick body, so the facade sees what a coalesced wake carried.
    matchIds: z
      .array(id())
      .min(1)
      .max(100)
      .optional()
      .describe(
        "reason trigger_match: every match this tick answers (a coalesced wake carries all the matches pending for the workflow)",
      ),
  })
  .openapi("TickRequest");

export const TickResponseSchema = z
  .object({
    workflowId: z.string(),
    monitorId: z.string(),
    userId: z.string(),
    portfolioId: z.string().nullable(),
    tickId: z.string(),
    reason: z.string(),
    tickedAt: z.number(),
    tickCount: z.number(),
    nextDueAt: z.number().nullable(),
    executionRefs: z.array(z.record(z.string(), z.unknown())),
    waitFor: z.enum(["trigger_matched", "execution_completed"]),
    executor: z.enum(["builtin", "facade"]),
  })
  .openapi("TickResponse");

const executionIds = {
  operationId: id().optional(),
  runId: id().optional(),
  executionRequestId: id().optional(),
  eventId: id().optional(),
};
const oneId = (b: Record<string, unknown>) =>
  ["operationId", "runId", "executionRequestId", "eventId"].some((k) => b[k] !== undefined);
const oneIdIssue = { message: "at least one of operationId, runId, executionRequestId, eventId is required" };

/**
 * Statuses of an execution still under way. notify-execution takes terminal updates only (seed 000:
 * "validate a terminal execution ref"): a progress callback would close the ref and spend the
 * completion's wake-up id, so the real completion that follows would be dropped as a repeat.
 */
const NON_TERMINAL_STATUSES = new Set([
  "pending",
  "queued",
  "scheduled",
  "started",
  "running",
  "in_progress",
  "waiting",
]);

export const NotifyExecutionBodySchema = z
  .object({
    ...executionIds,
    status: z
      .string()
      .min(1)
      .max(32)
      .superRefine((s, ctx) => {
        if (!NON_TERMINAL_STATUSES.has(s.toLowerCase())) return;
        ctx.addIssue({
          code: "custom",
          message: `"${s}" is not terminal: notify-execution takes an execution's final update (e.g. completed, succeeded, failed, cancelled); send it once the execution has ended`,
        });
      })
      .default("completed")
      .describe("The execution's terminal status (default completed); a status still under way is a 400"),
    workflowId: id()
      .optional()
      .describe("Optional check: when given, it must be the workflow the execution ref belongs to (else 409)"),
    portfolioId: id()
      .nullable()
      .optional()
      .describe("Ignored: the portfolio is resolved from the execution ref and the workflow's monitor"),
  })
  .refine(oneId, oneIdIssue)
  .openapi("NotifyExecutionRequest");

export const NotifyTriggerMatchBodySchema = z
  .object({
    workflowId: id(),
    monitorId: id(),
    matchId: z.string().min(1).max(400),
    ownerUserId: id().optional(),
    triggerEvent: FactInput.optional(),
  })
  .openapi("NotifyTriggerMatchRequest");

/** Trigger matches per notify-trigger-matches call: over it, a 413 (the matcher's outbox sends rounds of this many). */
export const MAX_MATCHES_PER_NOTIFY = 100;

/** Up to 100 trigger matches in one call (the matcher's outbox delivers a round at once). */
export const NotifyTriggerMatchesBodySchema = z
  .object({
    // The limit is the handler's (a 413, not a schema 400); the document still states it.
    matches: z.array(NotifyTriggerMatchBodySchema).min(1).openapi({ maxItems: MAX_MATCHES_PER_NOTIFY }),
  })
  .openapi("NotifyTriggerMatchesRequest");

export const NotifyTriggerMatchesResponseSchema = z
  .object({
    results: z.array(
      z.object({
        matchId: z.string(),
        status: z.union([z.literal(202), z.literal(403), z.literal(404)]),
        enqueued: z.boolean(),
        reason: z
          .string()
          .optional()
          .describe(
            "Why a 202 was not enqueued: monitor_disabled, or monitor_superseded (the match was made by a version of the monitor older than its version now: an update supersedes it); else why it was refused",
          ),
      }),
    ),
  })
  .openapi("NotifyTriggerMatchesResponse");

export const RecoverBodySchema = z
  .object({ workflowId: id(), requestId: id().optional(), triggerEvent: FactInput.optional() })
  .openapi("RecoverRequest");

export const RecoverResponseSchema = z
  .object({
    action: z.enum(["replayed", "started", "queued"]),
    workflowId: z.string(),
    instanceId: z.string().nullable(),
    wakeId: z.string(),
  })
  .openapi("RecoverResponse");

export const ExecutionRefBodySchema = z
  .object({ workflowId: id(), portfolioId: id().nullable().optional(), ...executionIds })
  .refine(oneId, oneIdIssue)
  .openapi("ExecutionRefRequest");

export const ExecutionRefResponseSchema = z
  .object({ workflowId: z.string(), portfolioId: z.string().nullable(), refKey: z.string(), eventId: z.string() })
  .openapi("ExecutionRefResponse");

export const EnqueueTickBodySchema = z
  .object({
    workflowId: id(),
    portfolioId: id().nullable().optional(),
    reason: WakeReasonSchema,
    monitorId: id().optional(),
    idempotencyKey: z
      .string()
      .min(1)
      .max(400)
      .optional()
      .describe(
        "the wake-up's idempotency key (a retry with the same key wakes once); else the Idempotency-Key header, then matchId, then refKey; with none, every call is a new wake-up",
      ),
    matchId: z.string().min(1).max(400).optional(),
    refKey: z.string().min(1).max(160).optional(),
    triggerEvent: FactInput.optional(),
  })
  .openapi("EnqueueTickRequest");

export const EnqueueResponseSchema = z
  .object({
    enqueued: z.boolean(),
    outcome: z.enum(["accepted", "duplicate", "coalesced", "busy"]).optional(),
    delivery: z.enum(["sent", "created", "queued", "none"]).optional(),
    workflowId: z.string().optional(),
    portfolioId: z.string().nullable().optional(),
    instanceId: z.string().nullable().optional(),
    wakeId: z.string().optional(),
    reason: z
      .string()
      .optional()
      .describe(
        "Why not enqueued: monitor_disabled; monitor_superseded (a trigger match made by a version of the monitor older than its version now: an update supersedes it); no_matching_execution_ref or workflow_not_found (notify-execution)",
      ),
  })
  .openapi("EnqueueResponse");

/** The due scan run on demand: what the cron does each minute (`requestId` defaults to the cron's own). */
export const DueScanBodySchema = z
  .object({ requestId: id().optional(), limit: z.number().int().min(1).max(500).optional() })
  .openapi("DueScanRequest");

export const DueScanResponseSchema = z
  .object({
    requestId: z.string(),
    due: z.number().int(),
    created: z.array(z.string()),
    results: z.array(EnqueueResponseSchema),
    expired: z
      .array(z.string())
      .describe("monitorIds whose monitor_expired this scan recorded (expiresAt passed, once per version)"),
  })
  .openapi("DueScanResponse");

export const SessionMirrorSchema = z
  .object({
    workflowId: z.string(),
    monitorId: z.string(),
    userId: z.string(),
    portfolioId: z.string().nullable(),
    activeInstanceId: z.string().nullable(),
    phase: z.enum(["idle", "starting", "ticking", "waiting", "sleeping"]),
    waitingOn: z.string().nullable(),
    sleepingUntil: z.number().nullable(),
    pendingWakeUps: z.number(),
    lastTick: z
      .object({
        tickId: z.string(),
        wakeId: z.string(),
        reason: z.string(),
        tickedAt: z.number(),
        tickCount: z.number(),
        nextDueAt: z.number().nullable(),
        waitFor: z.string(),
      })
      .nullable(),
    updatedAt: z.number(),
  })
  .openapi("MonitorSession");

export { ProblemSchema } from "../../../../shared/src/http/openapi-docs";
