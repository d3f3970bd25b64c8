import { batchLogLine } from "../../shared/src/batch-log";
import { publishEvents } from "../../shared/src/contract/events-message";
import { stamp, type TriggerMatched } from "../../shared/src/events";
import { deterministicUlid } from "../../shared/src/ids";
import { classifyNotify, nextAttemptAt } from "./backoff";
import type { Match } from "./engine/types";
import type { MatcherEnv } from "./env";
import type { NotifyOutcome, OutboxStore } from "./shard/storage-port";

/**
 * Drains a shard's due outbox: records each match's `trigger_matched` domain event (in D1 and on
 * Queue "events"; its eventId is derived from the matchId, so a repeat is dropped) and delivers the match
 * to notify-trigger-match (service binding, or NOTIFY_URL for an external platform API). Returns
 * when the alarm should fire next, or undefined when nothing is pending.
 */
const BATCH = 100;
const NOTIFY_PATH = "/v1/admin/control-plane/workflow-monitors/notify-trigger-match";
const NOTIFY_TIMEOUT_MS = 10_000;

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

export async function deliverOutbox(outbox: OutboxStore, env: MatcherEnv): Promise<number | undefined> {
  const now = Date.now();
  const rows = outbox.due(now, BATCH);
  const matches = rows.map((r) => JSON.parse(r.body) as Match);
  const unpublished = matches.filter((_, i) => !rows[i]?.published);
  // Recording the events and notifying are independent, so they run side by side: the wake-up
  // does not wait for the D1 write.
  const publishing = (async () => {
    if (unpublished.length === 0) return;
    const events = await Promise.all(unpublished.map(triggerMatchedEvent));
    // Projected into D1 here as well as published: a queue message can be lost (a local runtime
    // killed with its in-memory queue) and the event must still reach event_log.
    await publishEvents(env, events);
  })();
  const outcomes: NotifyOutcome[] = [];
  const delivered: string[] = [];
  const rejected: string[] = [];
  const notifying = Promise.all(
    matches.map(async (m, i) => {
      const attempts = (rows[i]?.attempts ?? 0) + 1;
      let status = 0;
      let error = "";
      try {
        const res = await notify(env, m);
        status = res.status;
        error = status >= 300 ? (await res.text()).slice(0, 300) : "";
      } catch (err) {
        error = String(err);
      }
      const verdict = classifyNotify(status);
      if (verdict === "retry") {
        outcomes.push({
          matchId: m.matchId,
          deliveredAt: null,
          attempts,
          nextAttemptAt: nextAttemptAt(attempts, Date.now()),
          note: error || `status ${status}`,
        });
      } else {
        outcomes.push({
          matchId: m.matchId,
          deliveredAt: Date.now(),
          attempts,
          nextAttemptAt: 0,
          note: verdict === "rejected" ? `rejected ${status}: ${error}` : null,
        });
        (verdict === "delivered" ? delivered : rejected).push(m.matchId);
      }
    }),
  );
  const [published] = await Promise.allSettled([publishing, notifying]);
  // A line per delivery round, not per match (shared/src/batch-log.ts).
  if (delivered.length > 0) console.log(batchLogLine("info", "matches delivered", delivered));
  if (rejected.length > 0) console.log(batchLogLine("warn", "matches rejected by notify, not retried", rejected));
  const retrying = outcomes.filter((o) => o.deliveredAt === null);
  if (retrying.length > 0)
    console.log(
      batchLogLine(
        "warn",
        "notify failed, will retry",
        retrying.map((o) => o.matchId),
        { lastFailure: retrying[retrying.length - 1]?.note?.slice(0, 300) },
      ),
    );
  // Every outcome of this round in one write (one commit), whatever publishing did.
  outbox.recordOutcomes(outcomes, published.status === "fulfilled" ? unpublished.map((m) => m.matchId) : []);
  if (published.status === "rejected") throw published.reason;
  if (rows.length === BATCH) return Date.now();
  return outbox.nextAttempt();
}

function notify(env: MatcherEnv, m: Match): Promise<Response> {
  // triggerEvent goes out as the fact packet the producer pushed (the 11 kinds), without ingest fields.
  const { eventId: _causingEventId, ...triggerEvent } = m.triggerEvent;
  const body = JSON.stringify({ workflowId: m.workflowId, monitorId: m.monitorId, matchId: m.matchId, triggerEvent });
  const init: RequestInit = {
    method: "POST",
    headers: { authorization: `Bearer ${env.ADMIN_AUTH_SECRET_TOKEN ?? ""}`, "content-type": "application/json" },
    body,
    signal: AbortSignal.timeout(NOTIFY_TIMEOUT_MS),
  };
  if (env.NOTIFY_URL) return fetch(env.NOTIFY_URL, init);
  if (!env.MONITOR_RUNTIME)
    return Promise.reject(new Error("no notify target: set NOTIFY_URL or bind MONITOR_RUNTIME"));
  return env.MONITOR_RUNTIME.fetch(`http://monitor-runtime${NOTIFY_PATH}`, init);
}
