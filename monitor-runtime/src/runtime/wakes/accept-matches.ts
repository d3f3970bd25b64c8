import type { TriggerEvent } from "../../../../shared/src/events";
import type { RuntimeEnv } from "../../env";
import { feedRecordedMatches } from "../../match-feed/record-matches";
import { isSuperseded, MONITOR_SUPERSEDED } from "../delivery/superseded";
import { wakeIdOf } from "../session/wake";
import { findMonitors } from "../store/projections";
import type { WakeMessage } from "./wake-message";

/** One trigger match as the matcher reports it (the body of notify-trigger-match). */
export type MatchNotice = {
  workflowId: string;
  monitorId: string;
  matchId: string;
  ownerUserId?: string;
  triggerEvent?: TriggerEvent;
};

/** What became of one notice: accepted onto Queue "wakes" (202, enqueued), or refused as notify-trigger-match would. */
export type MatchAcceptance = { matchId: string; status: 202 | 403 | 404; enqueued: boolean; reason?: string };

/** Queue limits: 100 messages and 256 KB per sendBatch; a message here is well under 4 KB. */
const SEND_BATCH = 100;

/**
 * notify-trigger-matches: a batch of matches validated with ONE D1 read (the monitor exists,
 * belongs to the workflow and to the owner, is enabled, and has not moved on from the match's
 * version), the accepted ones recorded durably on Queue "wakes", and the answer given at once.
 * The paced consumer (wakes-consumer.ts) hands them to their sessions, so a crash that fires
 * thousands of monitors at once does not occupy the routes that serve everything else. The wake-up id is the matchId's, as on the single route, so
 * a match notified both ways, or twice, still ticks once.
 *
 * @example await acceptTriggerMatches(env, [{ workflowId: "wf_1", monitorId: "m1", matchId: "m1~2~01J…" }])
 */
export async function acceptTriggerMatches(
  env: Pick<RuntimeEnv, "DB" | "WAKES_QUEUE" | "MATCH_FEED">,
  notices: MatchNotice[],
  now = Date.now(),
): Promise<MatchAcceptance[]> {
  const monitors = await findMonitors(
    env.DB,
    notices.map((n) => n.monitorId),
  );
  const messages: WakeMessage[] = [];
  const results = notices.map((n): MatchAcceptance => {
    const monitor = monitors.get(n.monitorId);
    if (!monitor || monitor.workflowId !== n.workflowId) {
      return {
        matchId: n.matchId,
        status: 404,
        enqueued: false,
        reason: `workflow ${n.workflowId} has no monitor ${n.monitorId}`,
      };
    }
    if (n.ownerUserId !== undefined && n.ownerUserId !== monitor.ownerUserId) {
      return {
        matchId: n.matchId,
        status: 403,
        enqueued: false,
        reason: `monitor ${n.monitorId} is not owned by ${n.ownerUserId}`,
      };
    }
    if (!monitor.enabled) return { matchId: n.matchId, status: 202, enqueued: false, reason: "monitor_disabled" };
    if (isSuperseded(n.matchId, monitor.monitorId, monitor.version)) {
      return { matchId: n.matchId, status: 202, enqueued: false, reason: MONITOR_SUPERSEDED };
    }
    messages.push({
      v: 1,
      monitor,
      wake: {
        wakeId: wakeIdOf("trigger_match", n.matchId),
        reason: "trigger_match",
        receivedAt: now,
        monitorId: monitor.monitorId,
        matchId: n.matchId,
        ...(n.triggerEvent ? { triggerEvent: n.triggerEvent } : {}),
      },
    });
    return { matchId: n.matchId, status: 202, enqueued: true };
  });
  for (let i = 0; i < messages.length; i += SEND_BATCH) {
    await env.WAKES_QUEUE.sendBatch(messages.slice(i, i + SEND_BATCH).map((body) => ({ body })));
  }
  if (messages.length > 0) await countAccepted(env.DB, messages.length);
  // Every recorded match is streamed, refused or not: it was recorded (GET …/matches lists it).
  await feedRecordedMatches(
    env,
    notices.map((n) => n.matchId),
  );
  return results;
}

/** The backlog gauge only: a failure here must not fail (and so repeat) an accepted batch. */
async function countAccepted(db: D1Database, n: number): Promise<void> {
  try {
    await db.prepare("UPDATE wake_backlog SET accepted = accepted + ? WHERE id = 0").bind(n).run();
  } catch (err) {
    console.error(JSON.stringify({ level: "warn", msg: "wake backlog not counted", error: String(err) }));
  }
}
