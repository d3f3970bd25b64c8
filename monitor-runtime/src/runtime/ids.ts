import { deterministicId } from "../../../shared/src/ids";

/**
 * Deterministic ids of the runtime: a repeated request, a retried workflow step or a redelivered
 * wake-up names the same instance and the same domain event, so nothing is started or counted twice.
 *
 * @example await instanceIdFor("wf_1", "trigger_match:m1~2~01J…") // "wmt_9c1f…" (36 chars)
 */
/** A workflow instance id for the session a wake-up starts (valid Workflows id, ≤ 100 chars). */
export function instanceIdFor(workflowId: string, wakeId: string): Promise<string> {
  return deterministicId("wmt", workflowId, wakeId);
}

/** The instance that takes a session over from `instanceId` (loop budget spent, or it died). */
export function successorIdOf(workflowId: string, instanceId: string): Promise<string> {
  return deterministicId("wmt", workflowId, "after", instanceId);
}

export { deterministicUlid } from "../../../shared/src/ids";
