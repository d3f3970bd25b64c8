import type {
  ExecutionCompleted,
  ExecutionIds,
  ExecutionRefRecorded,
  TickExecuted,
} from "../../../../shared/src/events";
import { deterministicUlid } from "../ids";

/**
 * The domain events the runtime emits. Aggregate = the workflow (aggregateId = workflowId); a
 * workflow has no versioned stream of its own, so aggregateVersion is 0. Event ids are
 * deterministic in the request that causes them, so a retried step emits the same event again and
 * the projector's event_log guard applies it once.
 *
 * A tick's id carries the time its wake-up arrived; a ref's or a completion's carries none (time
 * part 0): the callback that causes it has no stable time of its own, and a repeat must collide.
 *
 * @example await tickExecuted({ workflowId, monitorId, reason, tickId, tickedAt, nextDueAt }, requestKey)
 */
const workflowEnvelope = (workflowId: string) => ({
  schemaVersion: 1 as const,
  aggregateType: "workflow" as const,
  aggregateId: workflowId,
  aggregateVersion: 0,
});

const contentId = (...parts: string[]) => deterministicUlid(0, ...parts);

export async function tickExecuted(
  data: TickExecuted["data"],
  requestKey: string,
  requestedAt: number,
): Promise<TickExecuted> {
  return {
    eventId: await deterministicUlid(requestedAt, "tick_executed", data.workflowId, requestKey),
    type: "tick_executed",
    ...workflowEnvelope(data.workflowId),
    occurredAt: data.tickedAt,
    data,
  };
}

export async function executionRefRecorded(
  workflowId: string,
  portfolioId: string | null,
  ids: Omit<ExecutionIds, "portfolioId">,
  now: number,
): Promise<ExecutionRefRecorded> {
  return {
    eventId: await contentId("execution_ref_recorded", workflowId, portfolioId ?? "", JSON.stringify(ids)),
    type: "execution_ref_recorded",
    ...workflowEnvelope(workflowId),
    occurredAt: now,
    data: { workflowId, portfolioId, ...ids },
  };
}

/** One completion per execution and status: a repeated callback is the same event. */
export async function executionCompleted(
  workflowId: string,
  refKey: string,
  status: string,
  now: number,
): Promise<ExecutionCompleted> {
  return {
    eventId: await contentId("execution_completed", workflowId, refKey, status),
    type: "execution_completed",
    ...workflowEnvelope(workflowId),
    occurredAt: now,
    data: { workflowId, refKey, status },
  };
}
