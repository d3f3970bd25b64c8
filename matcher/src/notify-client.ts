import type { Match } from "./engine/types";
import type { MatcherEnv } from "./env";

/**
 * Calls notify-trigger-match for a delivery round. Over the service binding the whole round (≤ 100
 * matches) goes in ONE call to notify-trigger-matches, which validates them with one read and
 * queues their wake-ups for the paced wakes consumer; an external platform API (NOTIFY_URL) gets
 * the seed-000 single-match route, one call per match. Each answer is that match's status as the
 * single route would give it (0 when the call itself failed).
 *
 * @example const answers = await notifyMatches(env, matches); // [{ matchId, status: 202, error: "" }, …]
 */
export type NotifyAnswer = { matchId: string; status: number; error: string };

const PATH = "/v1/admin/control-plane/workflow-monitors";
const TIMEOUT_MS = 10_000;

export function notifyMatches(env: MatcherEnv, matches: Match[]): Promise<NotifyAnswer[]> {
  if (matches.length === 0) return Promise.resolve([]);
  if (env.NOTIFY_URL || !env.MONITOR_RUNTIME) return Promise.all(matches.map((m) => notifyOne(env, m)));
  return notifyRound(env, env.MONITOR_RUNTIME, matches);
}

/** What notify-trigger-match takes: the causing fact as the producer pushed it, without ingest fields. */
function noticeOf(m: Match) {
  const { eventId: _causingEventId, ...triggerEvent } = m.triggerEvent;
  return { workflowId: m.workflowId, monitorId: m.monitorId, matchId: m.matchId, triggerEvent };
}

function post(env: MatcherEnv, body: unknown): RequestInit {
  return {
    method: "POST",
    headers: { authorization: `Bearer ${env.ADMIN_AUTH_SECRET_TOKEN ?? ""}`, "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  };
}

async function notifyOne(env: MatcherEnv, m: Match): Promise<NotifyAnswer> {
  try {
    const init = post(env, noticeOf(m));
    const res = env.NOTIFY_URL
      ? await fetch(env.NOTIFY_URL, init)
      : await Promise.reject(new Error("no notify target: set NOTIFY_URL or bind MONITOR_RUNTIME"));
    return { matchId: m.matchId, status: res.status, error: res.status >= 300 ? (await res.text()).slice(0, 300) : "" };
  } catch (err) {
    return { matchId: m.matchId, status: 0, error: String(err) };
  }
}

async function notifyRound(env: MatcherEnv, runtime: Fetcher, matches: Match[]): Promise<NotifyAnswer[]> {
  const every = (status: number, error: string) => matches.map((m) => ({ matchId: m.matchId, status, error }));
  try {
    const res = await runtime.fetch(
      `http://monitor-runtime${PATH}/notify-trigger-matches`,
      post(env, { matches: matches.map(noticeOf) }),
    );
    if (res.status >= 300) return every(res.status, (await res.text()).slice(0, 300));
    const { results } = (await res.json()) as { results: { matchId: string; status: number; reason?: string }[] };
    const byId = new Map(results.map((r) => [r.matchId, r]));
    return matches.map((m) => {
      const r = byId.get(m.matchId);
      return r
        ? { matchId: m.matchId, status: r.status, error: r.status >= 300 ? (r.reason ?? "") : "" }
        : { matchId: m.matchId, status: 0, error: "notify-trigger-matches gave no result for it" };
    });
  } catch (err) {
    return every(0, String(err));
  }
}
