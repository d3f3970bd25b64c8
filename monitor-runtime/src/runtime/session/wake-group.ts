import type { TriggerEvent } from "../../../../shared/src/events";
import { deterministicId } from "../../../../shared/src/ids";
import { type Wake, type WakeReason, wakeIdOf } from "./wake";

/**
 * One coalesced wake: several wake-ups of one session (typically every trigger match pending for
 * a workflow) that travel together — one instance creation or one event to the waiting instance,
 * and one tick that sees every matchId. Its id derives from the sorted wake-up ids, so the same
 * group named twice (a retried step, a successor taking over the group) is the same wake and the
 * same tick; a single wake-up keeps its own id, so a tick of one match is named as it always was.
 *
 * @example await coalescedWakeId([a, b]) // "trigger_match:coalesced_3f9a…"
 */
export async function coalescedWakeId(wakes: readonly Pick<Wake, "wakeId" | "reason">[]): Promise<string> {
  const [only] = wakes;
  if (!only) throw new Error("a coalesced wake has at least one wake-up");
  if (wakes.length === 1) return only.wakeId;
  const ids = wakes.map((w) => w.wakeId).sort();
  return wakeIdOf(only.reason, await deterministicId("coalesced", ...ids));
}

/** What one tick of a group of wake-ups is asked: its id, reason, every matchId, the freshest fact. */
export type TickWork = {
  /** The tick's idempotency key (its tickId and event id derive from it). */
  requestId: string;
  reason: WakeReason;
  /** Every trigger match the tick carries, oldest first (empty for other reasons). */
  matchIds: string[];
  triggerEvent?: TriggerEvent;
  /** The oldest wake-up's arrival: stable across retries (the time part of the tick's event id). */
  requestedAt: number;
  wakeIds: string[];
};

export async function tickWorkOf(wakes: readonly Wake[]): Promise<TickWork> {
  const [first] = wakes;
  if (!first) throw new Error("a tick carries at least one wake-up");
  const requestId = await coalescedWakeId(wakes);
  const withFact = wakes.filter((w) => w.triggerEvent !== undefined);
  const triggerEvent = withFact[withFact.length - 1]?.triggerEvent;
  return {
    requestId,
    reason: first.reason,
    matchIds: wakes.flatMap((w) => (w.matchId === undefined ? [] : [w.matchId])),
    ...(triggerEvent ? { triggerEvent } : {}),
    requestedAt: Math.min(...wakes.map((w) => w.receivedAt)),
    wakeIds: wakes.map((w) => w.wakeId),
  };
}
