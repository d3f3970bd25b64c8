import { ProblemError, problem } from "../../../../shared/src/problem";
import type { RuntimeEnv } from "../../env";
import { instanceIdFor, successorIdOf } from "../ids";
import type { OfferAllResult, OfferResult } from "../session/session-decider";
import type { Wake } from "../session/wake";
import { coalescedWakeId } from "../session/wake-group";
import type { MonitorRef } from "../store/projections";
import { metaOf, mirrorSession, paramsOf, portfolioAgent } from "./agents";
import { createInstance, liveness } from "./instances";

/**
 * The enqueue-tick seam: hand a wake-up to its monitor session. The PortfolioAgent records it
 * first (so it cannot be lost) and says how to deliver it: ring the waiting instance with the event
 * it waits on (`sendEvent`), start a new instance (id derived from the wake-up's idempotency key),
 * or nothing, because the running instance takes it before it next waits. A dead owner (errored,
 * terminated, never created) is replaced by a successor that inherits the queued wake-ups.
 *
 * @example await enqueueTick(env, monitor, { wakeId: "trigger_match:m1~2~01J…", reason: "trigger_match", receivedAt: Date.now() })
 */
export type EnqueueResult = {
  enqueued: boolean;
  outcome: OfferResult["outcome"];
  delivery: "sent" | "created" | "queued" | "none";
  workflowId: string;
  portfolioId: string | null;
  instanceId: string | null;
  wakeId: string;
};

export async function enqueueTick(env: RuntimeEnv, monitor: MonitorRef, wake: Wake): Promise<EnqueueResult> {
  return deliver(env, monitor, wake, await offerWake(env, monitor, wake));
}

/** Record the wake-up in its session; the answer says how to deliver it. */
export async function offerWake(env: RuntimeEnv, monitor: MonitorRef, wake: Wake): Promise<OfferResult> {
  const agent = portfolioAgent(env, paramsOf(monitor).home);
  const { result, mirror } = await agent.offer(
    metaOf(monitor),
    wake,
    await instanceIdFor(monitor.workflowId, wake.wakeId),
  );
  await mirrorSession(env, mirror);
  return result;
}

/**
 * Record several wake-ups of one session in ONE agent call (a coalesced wake, from the wakes
 * consumer). The instance a new session starts with is named by the group's id (sorted wake-up
 * ids), and `wakeId` is that id too: what the ring carries.
 */
export async function offerWakes(
  env: RuntimeEnv,
  monitor: MonitorRef,
  wakes: Wake[],
): Promise<{ offer: OfferAllResult; wakeId: string }> {
  const wakeId = await coalescedWakeId(wakes);
  const agent = portfolioAgent(env, paramsOf(monitor).home);
  const { result, mirror } = await agent.offerAll(
    metaOf(monitor),
    wakes,
    await instanceIdFor(monitor.workflowId, wakeId),
  );
  await mirrorSession(env, mirror);
  return { offer: result, wakeId };
}

/** Act on an offer: ring, start, replace a dead owner, or leave it to the running instance. */
export async function deliver(
  env: RuntimeEnv,
  monitor: MonitorRef,
  wake: Pick<Wake, "wakeId" | "reason">,
  offer: OfferResult,
): Promise<EnqueueResult> {
  const base = {
    workflowId: monitor.workflowId,
    portfolioId: monitor.portfolioId,
    wakeId: wake.wakeId,
    outcome: offer.outcome,
  };
  if (offer.outcome === "busy") {
    throw new ProblemError(
      problem("rate_limited", `monitor session ${monitor.workflowId} has too many queued wake-ups`),
      {
        "retry-after": "30",
      },
    );
  }
  const enqueued = offer.outcome === "accepted" || offer.outcome === "duplicate" || offer.outcome === "coalesced";
  let { instanceId } = offer;
  if (instanceId && offer.stale && offer.delivery !== "start" && (await liveness(env, instanceId)) === "gone") {
    instanceId = await replaceDead(env, monitor, instanceId);
    return { ...base, enqueued, delivery: instanceId ? "created" : "none", instanceId };
  }
  if (!instanceId || offer.delivery === "none") return { ...base, enqueued, delivery: "none", instanceId };
  if (offer.delivery === "start") {
    instanceId = await ensureStarted(env, monitor, instanceId);
    return { ...base, enqueued, delivery: "created", instanceId };
  }
  if (offer.delivery === "ring" && offer.eventType) {
    try {
      const instance = await env.TICK_WORKFLOW.get(instanceId);
      await instance.sendEvent({ type: offer.eventType, payload: { wakeId: wake.wakeId, reason: wake.reason } });
      return { ...base, enqueued, delivery: "sent", instanceId };
    } catch (err) {
      // The wake-up is recorded: a live instance takes it when its wait ends; a dead one is replaced.
      if ((await liveness(env, instanceId)) === "live") throw err;
      instanceId = await replaceDead(env, monitor, instanceId);
      return { ...base, enqueued, delivery: instanceId ? "created" : "none", instanceId };
    }
  }
  return { ...base, enqueued, delivery: "queued", instanceId };
}

/**
 * Create the session's instance. "Already exists" is success while that instance still runs; a
 * finished one that still owns the session died without ending it, so it is replaced.
 */
export async function ensureStarted(env: RuntimeEnv, monitor: MonitorRef, instanceId: string): Promise<string | null> {
  if ((await createInstance(env, instanceId, paramsOf(monitor))) === "created") return instanceId;
  if ((await liveness(env, instanceId)) === "live") return instanceId;
  return replaceDead(env, monitor, instanceId);
}

/** Unassign a dead owner; if wake-ups are queued, start its successor (bounded: no loops). */
export async function replaceDead(env: RuntimeEnv, monitor: MonitorRef, deadId: string): Promise<string | null> {
  const agent = portfolioAgent(env, paramsOf(monitor).home);
  let dead = deadId;
  for (let attempt = 0; attempt < 3; attempt++) {
    const { result, mirror } = await agent.abandon(
      monitor.workflowId,
      dead,
      await successorIdOf(monitor.workflowId, dead),
    );
    await mirrorSession(env, mirror);
    if (result.kind === "cleared") return null;
    const next = result.instanceId;
    if (!next) return null;
    if (result.kind === "restart" && (await createInstance(env, next, paramsOf(monitor))) === "created") return next;
    if ((await liveness(env, next)) === "live") return next;
    dead = next;
  }
  throw new ProblemError(problem("unavailable", `could not start a session for ${monitor.workflowId}`), {
    "retry-after": "30",
  });
}
