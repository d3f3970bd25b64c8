import type { TriggerEvent } from "../../../../shared/src/events";
import { newId } from "../../../../shared/src/ids";
import { fail } from "../../../../shared/src/problem";
import type { RuntimeEnv } from "../../env";
import { type Wake, wakeIdOf } from "../session/wake";
import type { MonitorRef } from "../store/projections";
import { paramsOf, portfolioAgent } from "./agents";
import { enqueueTick, replaceDead } from "./enqueue";
import { liveness } from "./instances";

/**
 * Operator replay of a stale or orphaned monitor wait, narrow and safe (seed 000):
 * - the registered instance is gone (errored, terminated, never started): unassign it, then
 *   start a fresh tick (`started`);
 * - it waits on an event: replay it — a `recover` wake-up is queued and the instance is rung with
 *   the event it waits on (`replayed`); it is ticking: the wake-up is queued for it (`queued`);
 * - no instance is registered: start a fresh tick (`started`);
 * - it only sleeps on time (backing off after a failed tick): 409, nothing queued — replaying
 *   into a sleep or starting a second session would tick twice.
 *
 * @example await recover(env, monitor, { requestId: "ops-42" }) // { action: "replayed", instanceId, … }
 */
export type RecoverResult = {
  action: "replayed" | "started" | "queued";
  workflowId: string;
  instanceId: string | null;
  wakeId: string;
};

export async function recover(
  env: RuntimeEnv,
  monitor: MonitorRef,
  input: { requestId?: string; triggerEvent?: TriggerEvent },
): Promise<RecoverResult> {
  const agent = portfolioAgent(env, paramsOf(monitor).home);
  let { active } = await agent.session(monitor.workflowId);
  if (active && (await liveness(env, active.instanceId)) === "gone") {
    await replaceDead(env, monitor, active.instanceId);
    ({ active } = await agent.session(monitor.workflowId));
  }
  if (active?.phase === "sleeping") {
    const until = active.sleepingUntil ? new Date(active.sleepingUntil).toISOString() : "its backoff ends";
    fail("conflict", `workflow ${monitor.workflowId} is sleeping on time until ${until}; it will tick then`, {
      instanceId: active.instanceId,
    });
  }
  const wake: Wake = {
    wakeId: wakeIdOf("recover", input.requestId ?? newId()),
    reason: "recover",
    receivedAt: Date.now(),
    monitorId: monitor.monitorId,
    ...(input.triggerEvent ? { triggerEvent: input.triggerEvent } : {}),
  };
  const r = await enqueueTick(env, monitor, wake);
  const action = r.delivery === "sent" ? "replayed" : r.delivery === "created" ? "started" : "queued";
  return { action, workflowId: monitor.workflowId, instanceId: r.instanceId, wakeId: wake.wakeId };
}
