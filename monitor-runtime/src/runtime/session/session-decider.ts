import type {
  AbandonResult,
  ActiveSession,
  Decision,
  Delivery,
  EndResult,
  OfferResult,
  QueuedWake,
  SessionView,
  TakeResult,
} from "./session-types";
import { SESSION_LIMITS } from "./session-types";
import type { WaitEventType, Wake } from "./wake";

export type {
  AbandonResult,
  ActiveSession,
  Decision,
  Delivery,
  EndResult,
  OfferAllResult,
  OfferResult,
  Phase,
  QueuedWake,
  SessionView,
  TakeResult,
  WakeWrite,
} from "./session-types";
export { SESSION_LIMITS } from "./session-types";

/**
 * The monitor session as a pure decider: which WorkflowMonitorTickWorkflow instance owns a
 * workflowId's session, what it is doing, and the wake-ups addressed to it that it has not yet
 * consumed. The PortfolioAgent Durable Object loads a `SessionView`, calls one of these functions,
 * and persists `active` and `writes` in one transaction; the workflow and the HTTP routes only act
 * on the returned result. This is the whole no-lost / no-doubled wake-up rule:
 *
 * - a wake-up is written down (pending) before anyone is told about it, and leaves the queue only
 *   when the instance that ticked it settles it;
 * - the instance asks for pending wake-ups before it waits (`take`), and asks again before it ends
 *   (`end`), so an event that arrives before, during or after its wait is ticked exactly once;
 * - a wake-up id the agent has already seen is a duplicate and never queued twice.
 *
 * @example
 * const d = offer(view, wake, { known: false, now, newInstanceId });
 * if (d.result.delivery === "start") await env.TICK_WORKFLOW.create({ id: d.result.instanceId, params });
 */

const starting = (instanceId: string, now: number): ActiveSession => ({
  instanceId,
  phase: "starting",
  since: now,
  leaseUntil: now + SESSION_LIMITS.startingLeaseMs,
  waitingOn: null,
  sleepingUntil: null,
});

function deliveryFor(active: ActiveSession | null): Delivery {
  if (!active) return "none";
  if (active.phase === "starting") return "start";
  return active.phase === "waiting" ? "ring" : "queued";
}

/** The answer to an offer, given the session after it (shared with offerAll). */
export function offerResult(outcome: OfferResult["outcome"], active: ActiveSession | null, now: number): OfferResult {
  const delivery = outcome === "busy" ? "none" : deliveryFor(active);
  return {
    outcome,
    delivery,
    instanceId: active?.instanceId ?? null,
    eventType: delivery === "ring" ? (active?.waitingOn ?? null) : null,
    stale: active !== null && now > active.leaseUntil,
  };
}

/**
 * A wake-up arrives. `known` says whether the agent has seen this wakeId before (settled ones
 * included). A duplicate of a wake-up still queued re-drives its delivery (a retried request whose
 * first ring or create failed), a duplicate of a settled one does nothing.
 */
export function offer(
  view: SessionView,
  wake: Wake,
  ctx: { known: boolean; now: number; newInstanceId: string },
): Decision<OfferResult> {
  const { active, queue } = view;
  const queued = queue.some((q) => q.wake.wakeId === wake.wakeId);
  if (ctx.known || queued) {
    const r = offerResult("duplicate", active, ctx.now);
    return { result: queued ? r : { ...r, delivery: "none", eventType: null }, active, writes: [] };
  }
  // One pending due scan is as good as two: the tick reads the monitor as it is when it runs.
  if (wake.reason === "due" && queue.some((q) => q.status === "pending" && q.wake.reason === "due")) {
    return {
      result: offerResult("coalesced", active, ctx.now),
      active,
      writes: [{ op: "insert", wake, status: "done" }],
    };
  }
  if (queue.length >= SESSION_LIMITS.maxQueued)
    return { result: offerResult("busy", active, ctx.now), active, writes: [] };
  const next = active ?? starting(ctx.newInstanceId, ctx.now);
  return {
    result: offerResult("accepted", next, ctx.now),
    active: next,
    writes: [{ op: "insert", wake, status: "pending" }],
  };
}

/**
 * What the next tick carries: the oldest pending wake-up, and when it is a trigger match, every
 * pending trigger match with it (up to `maxCoalesced`): one tick sees them all.
 */
function nextGroup(queue: readonly QueuedWake[]): Wake[] {
  const pending = queue.filter((q) => q.status === "pending").map((q) => q.wake);
  const first = pending[0];
  if (!first) return [];
  if (first.reason !== "trigger_match") return [first];
  return pending.filter((w) => w.reason === "trigger_match").slice(0, SESSION_LIMITS.maxCoalesced);
}

/**
 * The instance is ready for work: hand it the wake-ups in flight (a retried take, or a group its
 * predecessor took and never settled: the same group again, so its tick keeps its id), else the
 * next group of pending ones; with none, record that it now waits.
 */
export function take(
  view: SessionView,
  instanceId: string,
  ctx: { now: number; waitFor: WaitEventType; waitUntil: number },
): Decision<TakeResult> {
  const { active, queue } = view;
  if (!active || active.instanceId !== instanceId) return { result: { kind: "superseded" }, active, writes: [] };
  const ticking = { ...active, phase: "ticking" as const, since: ctx.now, waitingOn: null, sleepingUntil: null };
  const leased = { ...ticking, leaseUntil: ctx.now + SESSION_LIMITS.tickLeaseMs };
  const inflight = queue.filter((q) => q.status === "inflight").map((q) => q.wake);
  if (inflight.length > 0) return { result: { kind: "wake", wakes: inflight }, active: leased, writes: [] };
  const group = nextGroup(queue);
  if (group.length > 0) {
    return {
      result: { kind: "wake", wakes: group },
      active: leased,
      writes: group.map((w) => ({ op: "status", wakeId: w.wakeId, status: "inflight" })),
    };
  }
  const waiting = {
    ...ticking,
    phase: "waiting" as const,
    waitingOn: ctx.waitFor,
    leaseUntil: ctx.waitUntil + SESSION_LIMITS.graceMs,
  };
  return { result: { kind: "wait" }, active: waiting, writes: [] };
}

/** A tick of these wake-ups is recorded: they leave the queue (whoever owns the session now). */
export function settle(view: SessionView, wakeIds: readonly string[]): Decision<{ settled: number }> {
  const queued = wakeIds.filter((id) => view.queue.some((q) => q.wake.wakeId === id));
  return {
    result: { settled: queued.length },
    active: view.active,
    writes: queued.map((wakeId) => ({ op: "status", wakeId, status: "done" })),
  };
}

/** The instance backs off after a failed tick: it sleeps on time, not on an event. */
export function sleep(
  view: SessionView,
  instanceId: string,
  ctx: { now: number; until: number },
): Decision<{ kind: "sleeping" | "superseded" }> {
  const { active } = view;
  if (!active || active.instanceId !== instanceId) return { result: { kind: "superseded" }, active, writes: [] };
  const next: ActiveSession = {
    ...active,
    phase: "sleeping",
    since: ctx.now,
    waitingOn: null,
    sleepingUntil: ctx.until,
    leaseUntil: ctx.until + SESSION_LIMITS.tickLeaseMs,
  };
  return { result: { kind: "sleeping" }, active: next, writes: [] };
}

/**
 * The instance wants to end (its wait timed out, or it used its loop budget: `final`). It may only
 * end with an empty queue; otherwise it continues, or (final) hands the session to a successor.
 * Wake-ups in flight stay in flight: the successor's first take is that same group, whose tick
 * (same wake-ups, same id) the projector counts once if it was already recorded.
 */
export function end(
  view: SessionView,
  instanceId: string,
  ctx: { now: number; final: boolean; successorId: string },
): Decision<EndResult> {
  const { active, queue } = view;
  // A retried handoff step (its first answer was lost): the session is already the successor's.
  // Answer the same, so the workflow still starts it ("already exists" if it did).
  if (ctx.final && active?.instanceId === ctx.successorId) {
    return { result: { kind: "handoff", instanceId: ctx.successorId }, active, writes: [] };
  }
  if (!active || active.instanceId !== instanceId) return { result: { kind: "superseded" }, active, writes: [] };
  if (queue.length === 0) return { result: { kind: "ended" }, active: null, writes: [] };
  if (!ctx.final) return { result: { kind: "continue" }, active, writes: [] };
  return {
    result: { kind: "handoff", instanceId: ctx.successorId },
    active: starting(ctx.successorId, ctx.now),
    writes: [],
  };
}

/** The owning instance is gone (errored, terminated, never created): unassign it. */
export function abandon(
  view: SessionView,
  instanceId: string,
  ctx: { now: number; successorId: string },
): Decision<AbandonResult> {
  const { active, queue } = view;
  if (!active || active.instanceId !== instanceId) {
    return { result: { kind: "superseded", instanceId: active?.instanceId ?? null }, active, writes: [] };
  }
  if (queue.length === 0) return { result: { kind: "cleared" }, active: null, writes: [] };
  return {
    result: { kind: "restart", instanceId: ctx.successorId },
    active: starting(ctx.successorId, ctx.now),
    writes: [],
  };
}
