import { batchLogLine } from "../../shared/src/batch-log";
import { projectEvents } from "../../shared/src/contract/events-message";
import { stamp, type TriggerMatched } from "../../shared/src/events";
import { deterministicUlid } from "../../shared/src/ids";
import { classifyNotify, nextAttemptAt } from "./backoff";
import type { Match } from "./engine/types";
import type { MatcherEnv } from "./env";
import { notifyMatches } from "./notify-client";
import type { DeliveryNoteStore } from "./shard/sqlite-delivery-notes";
import type { NotifyOutcome, OutboxStore } from "./shard/storage-port";

/**
 * Drains a shard's due outbox, a round of up to 100 matches: records each match's
 * `trigger_matched` domain event in D1 (its eventId is derived from the matchId, so a repeat is
 * dropped) and delivers the round to notify-trigger-match (notify-client.ts). Returns when the
 * alarm should fire next, or undefined when nothing is pending.
 */
const BATCH = 100;

export async function triggerMatchedEvent(m: Match): Promise<TriggerMatched> {
  return stamp<TriggerMatched>(
    {
      type: "trigger_matched",
      schemaVersion: 2,
      aggregateType: "monitor",
      aggregateId: m.monitorId,
      aggregateVersion: m.monitorVersion,
      data: { ...m },
    },
    { eventId: await deterministicUlid(m.observedAt, "trigger_matched", m.matchId), occurredAt: m.observedAt },
  );
}

export async function deliverOutbox(
  outbox: OutboxStore,
  env: MatcherEnv,
  notes?: Pick<DeliveryNoteStore, "record">,
): Promise<number | undefined> {
  const now = Date.now();
  const rows = outbox.due(now, BATCH);
  const matches = rows.map((r) => JSON.parse(r.body) as Match);
  const unpublished = matches.filter((_, i) => !rows[i]?.published);
  // Recorded first, then notified: the receiver streams each notified match from D1 (GET
  // /v1/matches/stream), so the row must be there when the notice arrives.
  const publishing = (async () => {
    if (unpublished.length === 0) return;
    const events = await Promise.all(unpublished.map(triggerMatchedEvent));
    // Written to D1's event log and projections here, once: not also sent to the projector, whose
    // copy would only be a second write of the same rows (a no-op by eventId, but a D1 round
    // trip per match in a burst). A failed write leaves the entry unpublished for the next round.
    await projectEvents(env.DB, events);
  })();
  const outcomes: NotifyOutcome[] = [];
  const delivered: string[] = [];
  const rejected: string[] = [];
  // The last answer of each kind this round, kept for GET /v1/admin/stats (sqlite-delivery-notes.ts).
  let lastFailure: { matchId: string; status: number; reason: string } | undefined;
  let lastRefusal: typeof lastFailure;
  const [published] = await Promise.allSettled([publishing]);
  // A failed write notifies nothing this round: the whole round is due again (the backstop alarm).
  const notifying = (published.status === "fulfilled" ? notifyMatches(env, matches) : Promise.resolve([])).then(
    (answers) =>
      answers.forEach(({ matchId, status, error }, i) => {
        const attempts = (rows[i]?.attempts ?? 0) + 1;
        const verdict = classifyNotify(status);
        if (verdict === "retry") {
          const note = error || `status ${status}`;
          lastFailure = { matchId, status, reason: note };
          outcomes.push({
            matchId,
            deliveredAt: null,
            attempts,
            nextAttemptAt: nextAttemptAt(attempts, Date.now()),
            note,
          });
          return;
        }
        const note = verdict === "rejected" ? `rejected ${status}: ${error}` : null;
        if (verdict === "rejected") lastRefusal = { matchId, status, reason: error || `status ${status}` };
        outcomes.push({ matchId, deliveredAt: Date.now(), attempts, nextAttemptAt: 0, note });
        (verdict === "delivered" ? delivered : rejected).push(matchId);
      }),
  );
  await notifying;
  // A line per delivery round, not per match (shared/src/batch-log.ts), each with a stable `event`.
  if (delivered.length > 0)
    console.log(batchLogLine("info", "matches delivered", delivered, { event: "matches_delivered" }));
  if (lastRefusal)
    console.log(
      batchLogLine("warn", "matches refused by notify-trigger-match, dropped (not retried)", rejected, {
        event: "matches_refused",
        status: lastRefusal.status,
        reason: lastRefusal.reason.slice(0, 300),
      }),
    );
  const retrying = outcomes.filter((o) => o.deliveredAt === null);
  if (lastFailure)
    console.log(
      batchLogLine(
        "warn",
        "notify-trigger-match failed, will retry",
        retrying.map((o) => o.matchId),
        { event: "match_notify_failed", status: lastFailure.status, reason: lastFailure.reason.slice(0, 300) },
      ),
    );
  const answeredAt = Date.now();
  if (lastFailure) notes?.record("failure", { ...lastFailure, at: answeredAt });
  if (lastRefusal) notes?.record("refusal", { ...lastRefusal, at: answeredAt });
  const lastDelivered = delivered.at(-1);
  if (lastDelivered) notes?.record("delivery", { matchId: lastDelivered, status: 0, reason: "", at: answeredAt });
  outbox.bump({ matchesDelivered: delivered.length, matchesRefused: rejected.length, notifyFailures: retrying.length });
  // Every outcome of this round in one write (one commit), whatever publishing did.
  outbox.recordOutcomes(outcomes, published.status === "fulfilled" ? unpublished.map((m) => m.matchId) : []);
  if (published.status === "rejected") throw published.reason;
  if (rows.length === BATCH) return Date.now();
  return outbox.nextAttempt();
}
