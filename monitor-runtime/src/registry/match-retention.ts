import { matchRetentionMs, pruneMatchHistory } from "../../../shared/src/projections/match-history";
import { d1Executor } from "../../../shared/src/projections/sql";
import type { RuntimeEnv } from "../env";

/**
 * The cron's match history retention (shared/src/projections/match-history.ts), also run by the
 * due-scan admin route: matches older than MATCH_HISTORY_RETENTION_DAYS leave D1. Returns how
 * many; 0 when the setting is "0" (keep every match).
 *
 * @example await pruneMatches(env)
 */
export async function pruneMatches(env: Pick<RuntimeEnv, "DB" | "MATCH_HISTORY_RETENTION_DAYS">): Promise<number> {
  const retention = matchRetentionMs(env);
  return retention > 0 ? pruneMatchHistory(d1Executor(env.DB), Date.now() - retention) : 0;
}
