import type { Decision, OfferAllResult, OfferResult, SessionView, WakeWrite } from "./session-decider";
import { offer, offerResult } from "./session-decider";
import type { Wake } from "./wake";

/**
 * Several wake-ups of one session arrive together (one coalesced wake from the wakes consumer):
 * each is offered in turn, exactly as `offer` would, and the session is told once. The delivery is
 * that of the session after the last one, unless none of them needs delivering (all settled
 * duplicates, or all refused as busy).
 */
export function offerAll(
  view: SessionView,
  wakes: readonly Wake[],
  ctx: { known: ReadonlySet<string>; now: number; newInstanceId: string },
): Decision<OfferAllResult> {
  let current = view;
  const writes: WakeWrite[] = [];
  const outcomes: OfferResult["outcome"][] = [];
  let deliver = false;
  for (const wake of wakes) {
    const d = offer(current, wake, {
      known: ctx.known.has(wake.wakeId),
      now: ctx.now,
      newInstanceId: ctx.newInstanceId,
    });
    outcomes.push(d.result.outcome);
    deliver ||= d.result.delivery !== "none";
    writes.push(...d.writes);
    const queued = d.writes.flatMap((w) => (w.op === "insert" && w.status === "pending" ? [w.wake] : []));
    current = {
      ...current,
      active: d.active,
      queue: [...current.queue, ...queued.map((w) => ({ wake: w, status: "pending" as const }))],
    };
  }
  const { outcome: _last, ...told } = offerResult("accepted", current.active, ctx.now);
  const result = deliver ? told : { ...told, delivery: "none" as const, eventType: null };
  return { result: { ...result, outcomes }, active: current.active, writes };
}
