import { matchRetentionMs, pruneMatchHistory } from "../../../shared/src/projections/match-history";
import { d1Executor } from "../../../shared/src/projections/sql";
import { pruneTickHistory, tickRetentionMs } from "../../../shared/src/projections/tick-history";
import type { RuntimeEnv } from "../env";

/**
 * The cron's history retention, also run by the due-scan admin route: matches older than
 * MATCH_HISTORY_RETENTION_DAYS (shared/src/projections/match-history.ts) and ticks older than
 * TICK_HISTORY_RETENTION_DAYS (tick-history.ts) leave D1. Each is off ("0", the default) unless
 * set. Returns how many of each went.
 *
 * @example await pruneHistory(env) // { matches: 0, ticks: 1440 }
 */
export async function pruneHistory(
  env: Pick<RuntimeEnv, "DB" | "MATCH_HISTORY_RETENTION_DAYS" | "TICK_HISTORY_RETENTION_DAYS">,
): Promise<{ matches: number; ticks: number }> {
  const db = d1Executor(env.DB);
  const matchMs = matchRetentionMs(env);
  const tickMs = tickRetentionMs(env);
  // One after the other: both write event_log, and D1 runs one write at a time anyway.
  const matches = matchMs > 0 ? await pruneMatchHistory(db, Date.now() - matchMs) : 0;
  const ticks = tickMs > 0 ? await pruneTickHistory(db, Date.now() - tickMs) : 0;
  return { matches, ticks };
}
