import { EXECUTION_REF_KINDS, type ExecutionRefKind, executionRefKey } from "../../../../shared/src/events";
import { fail } from "../../../../shared/src/problem";
import type { RuntimeEnv } from "../../env";
import { publish } from "../events/publish";
import { executionRefRecorded } from "../events/runtime-events";
import { findExecutionRef, resolveWorkflow } from "../store/projections";

/**
 * Record a canonical execution ref (an execution started outside a tick) as an
 * `execution_ref_recorded` event, applied to D1 before the answer, so a notify-execution that
 * follows at once finds its workflow. An id already owned by another workflow is a 409.
 *
 * @example await recordExecutionRef(env, { workflowId: "wf_1", runId: "r1" }) // { refKey: "runId:r1", … }
 */
export async function recordExecutionRef(
  env: RuntimeEnv,
  body: Partial<Record<ExecutionRefKind, string>> & { workflowId: string; portfolioId?: string | null },
): Promise<{ workflowId: string; portfolioId: string | null; refKey: string; eventId: string }> {
  const monitor = await resolveWorkflow(env.DB, body.workflowId);
  if (!monitor) fail("not_found", `workflow ${body.workflowId} has no live monitor`);
  const ids: Partial<Record<ExecutionRefKind, string>> = {};
  for (const k of EXECUTION_REF_KINDS) if (body[k] !== undefined) ids[k] = body[k];
  for (const k of EXECUTION_REF_KINDS) {
    const value = ids[k];
    if (value === undefined) continue;
    const owner = await findExecutionRef(env.DB, { [k]: value });
    if (owner && owner.workflowId !== body.workflowId) {
      fail("conflict", `${k} ${value} already belongs to workflow ${owner.workflowId}`);
    }
  }
  const portfolioId = body.portfolioId ?? monitor.portfolioId;
  const event = await executionRefRecorded(body.workflowId, portfolioId, ids, Date.now());
  await publish(env, [event]);
  return { workflowId: body.workflowId, portfolioId, refKey: executionRefKey(ids), eventId: event.eventId };
}
