import type { RuntimeEnv } from "../env";
import { FEED_NAME } from "./match-feed";
import { type RecordedMatch, recordedMatch } from "./match-view";

/** D1 takes at most 100 bound parameters per statement. */
const CHUNK = 100;

/**
 * Tells the MatchFeed about matches that notify-trigger-matches received, reading each from D1's
 * trigger_matches: only a recorded match is streamed, exactly as the matches route shows it. The
 * matcher records a round's matches before it notifies them (outbox-delivery.ts), so they are
 * there. A failure throws, so the notify call fails and the matcher sends the round again (the
 * feed drops what it already has): at least once.
 *
 * @example await feedRecordedMatches(env, ["m1~1~01K…"])
 */
export async function feedRecordedMatches(
  env: Pick<RuntimeEnv, "DB" | "MATCH_FEED">,
  matchIds: readonly string[],
): Promise<number> {
  const ids = [...new Set(matchIds)];
  if (ids.length === 0) return 0;
  const bodies = new Map<string, string>();
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    const { results } = await env.DB.prepare(
      `SELECT match_id, body FROM trigger_matches WHERE match_id IN (${chunk.map(() => "?").join(", ")})`,
    )
      .bind(...chunk)
      .all<{ match_id: string; body: string }>();
    for (const r of results) bodies.set(r.match_id, r.body);
  }
  const recorded: RecordedMatch[] = [];
  for (const id of ids) {
    const body = bodies.get(id);
    if (body) recorded.push(recordedMatch(JSON.parse(body) as Record<string, unknown>));
  }
  if (recorded.length === 0) return 0;
  return env.MATCH_FEED.get(env.MATCH_FEED.idFromName(FEED_NAME)).record(recorded);
}
