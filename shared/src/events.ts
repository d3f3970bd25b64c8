import { z } from "zod";
import { FactKindSchema } from "./facts";
import { MonitorBodySchema, MonitorIdSchema } from "./monitor";

/**
 * Domain events (DESIGN §5): one envelope, a type-specific `data`, and a `schemaVersion` per type.
 * Old versions stay readable: `parseDomainEvent` upcasts any stored version to the current one
 * before validating, so the projector and a rebuild only ever see current shapes.
 *
 * @example
 * const e = parseDomainEvent(JSON.parse(row.body)); // a v1 trigger_matched comes out as v2
 */

/** Crockford base32, 26 chars: what `newId()` (ulid) mints. */
export const UlidSchema = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, "expected a ULID");
const id = () => z.string().min(1).max(128);
const epochMs = () => z.number().int().min(0).max(8_640_000_000_000_000);

/** The full definition a registry event carries (body + identity + version). */
const { expectedVersion: _omitted, ...monitorBodyShape } = MonitorBodySchema.shape;
export const MonitorDefinitionSchema = z.strictObject({
  ...monitorBodyShape,
  monitorId: MonitorIdSchema,
  version: z.number().int().min(1),
});

/** The causing fact as the matcher saw it; loose so ingest's extra fields (eventId, …) survive. */
export const TriggerEventSchema = z.looseObject({
  kind: FactKindSchema,
  subject: z.record(z.string(), z.string()),
  observedAt: epochMs(),
  data: z.record(z.string(), z.unknown()),
});
export type TriggerEvent = z.infer<typeof TriggerEventSchema>;

export const EXECUTION_REF_KINDS = ["operationId", "runId", "executionRequestId", "eventId"] as const;
export type ExecutionRefKind = (typeof EXECUTION_REF_KINDS)[number];

const executionIdsShape = {
  operationId: id().optional(),
  runId: id().optional(),
  executionRequestId: id().optional(),
  eventId: id().optional(),
};
const hasOneId = (r: Partial<Record<ExecutionRefKind, string>>) => EXECUTION_REF_KINDS.some((k) => r[k] !== undefined);
const oneIdRequired = { message: "at least one of operationId, runId, executionRequestId, eventId is required" };

/** Ids of one execution (as a tick returns them); at least one id must be present. */
export const ExecutionIdsSchema = z
  .strictObject({ ...executionIdsShape, portfolioId: id().nullable().optional() })
  .refine(hasOneId, oneIdRequired);
export type ExecutionIds = z.infer<typeof ExecutionIdsSchema>;

/**
 * The canonical key of an execution: its first present id in EXECUTION_REF_KINDS order, as
 * `kind:value`. `execution_completed.refKey` names an execution by this key.
 *
 * @example executionRefKey({ runId: "r1", eventId: "e1" }) // "runId:r1"
 */
export function executionRefKey(ids: Partial<Record<ExecutionRefKind, string>>): string {
  for (const k of EXECUTION_REF_KINDS) {
    const v = ids[k];
    if (v !== undefined) return `${k}:${v}`;
  }
  throw new Error("an execution ref needs at least one id");
}

export const RefKeySchema = z
  .string()
  .max(160)
  .regex(/^(operationId|runId|executionRequestId|eventId):.+$/, "expected <idKind>:<id>");

const envelope = <T extends string, V extends number, A extends "monitor" | "workflow", D extends z.ZodType>(
  type: T,
  schemaVersion: V,
  aggregateType: A,
  data: D,
) =>
  z.strictObject({
    eventId: UlidSchema,
    type: z.literal(type),
    schemaVersion: z.literal(schemaVersion),
    aggregateType: z.literal(aggregateType),
    aggregateId: id(),
    aggregateVersion: z.number().int().min(0),
    occurredAt: epochMs(),
    data,
  });

/** Registry events: aggregate = the monitor, aggregateVersion = the monitor version they set. */
export const MonitorRegisteredSchema = envelope("monitor_registered", 1, "monitor", MonitorDefinitionSchema);
export const MonitorUpdatedSchema = envelope("monitor_updated", 1, "monitor", MonitorDefinitionSchema);
export const MonitorRemovedSchema = envelope("monitor_removed", 1, "monitor", z.strictObject({ monitorId: id() }));
/**
 * Wall-clock time passed the `expiresAt` of one monitor version (DESIGN §8 expiry). One per
 * (monitor, version): aggregateVersion is the version that expired (it sets no new version), and
 * its eventId is derived from both, so a repeated scan records nothing new.
 */
export const MonitorExpiredSchema = envelope(
  "monitor_expired",
  1,
  "monitor",
  z.strictObject({ monitorId: id(), version: z.number().int().min(1), expiresAt: epochMs() }),
);

const triggerMatchedV1Data = {
  matchId: id().max(400),
  monitorId: id(),
  monitorVersion: z.number().int().min(1),
  eventId: id(),
  observedAt: epochMs(),
  streamKey: z.string().min(1).max(512),
  workflowId: id(),
  ownerUserId: id(),
  triggerEvent: TriggerEventSchema,
};
/** v1 (kept for reading old log rows): no portfolioId. */
export const TriggerMatchedV1Schema = envelope("trigger_matched", 1, "monitor", z.strictObject(triggerMatchedV1Data));
/** v2: `portfolioId` (the monitor's linkedPortfolioIds[0] at match time, or null). Aggregate = the monitor. */
export const TriggerMatchedSchema = envelope(
  "trigger_matched",
  2,
  "monitor",
  z.strictObject({ ...triggerMatchedV1Data, portfolioId: id().nullable() }),
);

/** Aggregate = the workflow (aggregateId = workflowId). */
export const TickExecutedSchema = envelope(
  "tick_executed",
  1,
  "workflow",
  z.strictObject({
    workflowId: id(),
    monitorId: id().optional(),
    reason: z.string().min(1).max(64),
    tickId: id(),
    tickedAt: epochMs(),
    nextDueAt: epochMs().nullable(),
    executionRefs: z.array(ExecutionIdsSchema).max(100).optional(),
    /** Every trigger match the tick carried (one coalesced wake may carry many); absent for other reasons. */
    matchIds: z.array(id()).min(1).max(100).optional(),
  }),
);

export const ExecutionRefRecordedSchema = envelope(
  "execution_ref_recorded",
  1,
  "workflow",
  z
    .strictObject({ workflowId: id(), portfolioId: id().nullable(), ...executionIdsShape })
    .refine(hasOneId, oneIdRequired),
);

export const ExecutionCompletedSchema = envelope(
  "execution_completed",
  1,
  "workflow",
  z.strictObject({ workflowId: id(), refKey: RefKeySchema, status: z.string().min(1).max(32) }),
);

/** Every current event version; the union the projector consumes. */
export const DomainEventSchema = z.discriminatedUnion("type", [
  MonitorRegisteredSchema,
  MonitorUpdatedSchema,
  MonitorRemovedSchema,
  MonitorExpiredSchema,
  TriggerMatchedSchema,
  TickExecutedSchema,
  ExecutionRefRecordedSchema,
  ExecutionCompletedSchema,
]);
export type DomainEvent = z.output<typeof DomainEventSchema>;
export type DomainEventType = DomainEvent["type"];
export type EventOf<T extends DomainEventType> = Extract<DomainEvent, { type: T }>;
export type MonitorRegistered = EventOf<"monitor_registered">;
export type MonitorUpdated = EventOf<"monitor_updated">;
export type MonitorRemoved = EventOf<"monitor_removed">;
export type MonitorExpired = EventOf<"monitor_expired">;
export type TriggerMatched = EventOf<"trigger_matched">;
export type TickExecuted = EventOf<"tick_executed">;
export type ExecutionRefRecorded = EventOf<"execution_ref_recorded">;
export type ExecutionCompleted = EventOf<"execution_completed">;
export type TriggerMatchedV1 = z.output<typeof TriggerMatchedV1Schema>;

/** The schemaVersion each type is written at today. */
export const CURRENT_SCHEMA_VERSION: Record<DomainEventType, number> = {
  monitor_registered: 1,
  monitor_updated: 1,
  monitor_removed: 1,
  monitor_expired: 1,
  trigger_matched: 2,
  tick_executed: 1,
  execution_ref_recorded: 1,
  execution_completed: 1,
};

type Raw = Record<string, unknown>;
/** One step per (type, fromVersion): raw v(n) → raw v(n+1). Add a step whenever a schema grows. */
const UPCASTERS: Record<string, (event: Raw) => Raw> = {
  "trigger_matched@1": (e) => ({
    ...e,
    schemaVersion: 2,
    // v1 predates portfolio resolution at match time: the portfolio is unknown, not "none".
    data: { ...(e.data as Raw), portfolioId: null },
  }),
};

/**
 * Raw stored event (any known version) → raw current version. Unknown types pass through (and fail
 * validation later); a missing schemaVersion means 1.
 *
 * @example upcast({ type: "trigger_matched", schemaVersion: 1, data: {...} }).schemaVersion // 2
 */
export function upcast(raw: unknown): unknown {
  if (typeof raw !== "object" || raw === null) return raw;
  let event = raw as Raw;
  if (event.schemaVersion === undefined) event = { ...event, schemaVersion: 1 };
  for (let guard = 0; guard < 100; guard++) {
    const step = UPCASTERS[`${String(event.type)}@${String(event.schemaVersion)}`];
    if (!step) return event;
    event = step(event);
  }
  return event;
}

/** Validate a stored or received event of any known version; returns the current shape. */
export function parseDomainEvent(raw: unknown): DomainEvent {
  return DomainEventSchema.parse(upcast(raw));
}

export function safeParseDomainEvent(raw: unknown) {
  return DomainEventSchema.safeParse(upcast(raw));
}

/** An event before it is stamped with its id and time: what a decider returns. */
export type EventDraft<E extends DomainEvent = DomainEvent> = E extends DomainEvent
  ? Omit<E, "eventId" | "occurredAt">
  : never;

/**
 * Give a draft its eventId and occurredAt (the shell does this, so deciders stay pure).
 *
 * @example const event = stamp(draft, { eventId: newId(now), occurredAt: now });
 */
export function stamp<E extends DomainEvent>(draft: EventDraft<E>, meta: { eventId: string; occurredAt: number }): E {
  return { eventId: meta.eventId, occurredAt: meta.occurredAt, ...draft } as unknown as E;
}
