import type { ExecutionRefKind, TriggerEvent } from "../../../../shared/src/events";
import { fail } from "../../../../shared/src/problem";
import type { RuntimeEnv } from "../../env";
import { publish } from "../events/publish";
import { executionCompleted } from "../events/runtime-events";
import { wakeIdOf } from "../session/wake";
import { findExecutionRef, findMonitor, resolveWorkflow } from "../store/projections";
import { type EnqueueResult, enqueueTick } from "./enqueue";
import { isSuperseded, MONITOR_SUPERSEDED } from "./superseded";

/**
 * The two callback seams of seed 000. Both end in `enqueueTick`, with the wake-up keyed by the
 * producer's own idempotency key (the execution's refKey, the matchId), so a repeated callback is
 * the same wake-up and ticks once.
 *
 * @example await notifyTriggerMatch(env, { workflowId: "wf_1", monitorId: "m1", matchId: "m1~2~01J…" })
 */
export type NotifyResult = EnqueueResult | { enqueued: false; reason: string };

/**
 * A terminal execution update: find the owning workflow by any of its ids (none → not enqueued,
 * not an error), record `execution_completed`, and wake the session with reason
 * "execution_completed". A `workflowId` in the body is a check, not a route: one that is not the
 * ref's is a 409 before anything is recorded.
 */
export async function notifyExecution(
  env: RuntimeEnv,
  body: Partial<Record<ExecutionRefKind, string>> & { status: string; workflowId?: string },
): Promise<NotifyResult> {
  const ref = await findExecutionRef(env.DB, body);
  if (!ref) return { enqueued: false, reason: "no_matching_execution_ref" };
  if (body.workflowId !== undefined && body.workflowId !== ref.workflowId) {
    fail(
      "conflict",
      `execution ${ref.refKey} belongs to workflow ${ref.workflowId}, not ${body.workflowId}: send that workflowId, or none`,
    );
  }
  const now = Date.now();
  await publish(env, [await executionCompleted(ref.workflowId, ref.refKey, body.status, now)]);
  const monitor = await resolveWorkflow(env.DB, ref.workflowId);
  if (!monitor) return { enqueued: false, reason: "workflow_not_found" };
  return enqueueTick(env, monitor, {
    wakeId: wakeIdOf("execution_completed", ref.refKey),
    reason: "execution_completed",
    receivedAt: now,
    monitorId: monitor.monitorId,
    refKey: ref.refKey,
  });
}

/**
 * A trigger match from the matcher: the monitor must exist, belong to `workflowId` and (when
 * given) to `ownerUserId`; a disabled monitor is not woken, nor is a match of a version the
 * monitor has moved on from (superseded.ts). Reason "trigger_match".
 */
export async function notifyTriggerMatch(
  env: RuntimeEnv,
  body: { workflowId: string; monitorId: string; matchId: string; ownerUserId?: string; triggerEvent?: TriggerEvent },
): Promise<NotifyResult> {
  const monitor = await findMonitor(env.DB, body.monitorId);
  if (!monitor || monitor.workflowId !== body.workflowId) {
    fail("not_found", `workflow ${body.workflowId} has no monitor ${body.monitorId}`);
  }
  if (body.ownerUserId !== undefined && body.ownerUserId !== monitor.ownerUserId) {
    fail("forbidden", `monitor ${body.monitorId} is not owned by ${body.ownerUserId}`);
  }
  if (!monitor.enabled) return { enqueued: false, reason: "monitor_disabled" };
  if (isSuperseded(body.matchId, monitor.monitorId, monitor.version)) {
    return { enqueued: false, reason: MONITOR_SUPERSEDED };
  }
  return enqueueTick(env, monitor, {
    wakeId: wakeIdOf("trigger_match", body.matchId),
    reason: "trigger_match",
    receivedAt: Date.now(),
    monitorId: monitor.monitorId,
    matchId: body.matchId,
    ...(body.triggerEvent ? { triggerEvent: body.triggerEvent } : {}),
  });
}
