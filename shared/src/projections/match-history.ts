import { NO_REBUILD, retentionMs } from "./retention";
import type { SqlExecutor, SqlStatement } from "./sql";

/**
 * Match history retention: `trigger_matched` events recorded (occurred_at) before a cut leave
 * event_log, and their matches leave trigger_matches, in one batch per chunk. Without it D1 grew by
 * about two rows per match for good (D1 holds 10 GB per database). The monitor_state match fields
 * of the monitors concerned are set to what a rebuild derives from the rows left (a count of the
 * rows, the newest by (observed_at, match_id)), so a rebuild after a prune answers exactly as the
 * live tables do. Nothing is pruned while a rebuild runs: it reads event_log in several batches.
 *
 * @example await pruneMatchHistory(d1Executor(env.DB), Date.now() - matchRetentionMs(env))
 */
/** MATCH_HISTORY_RETENTION_DAYS in ms (default 0: every match is kept; retention.ts). */
export function matchRetentionMs(env: { MATCH_HISTORY_RETENTION_DAYS?: string }): number {
  return retentionMs(env.MATCH_HISTORY_RETENTION_DAYS);
}

/**
 * The match a `once` monitor's definition in force fired with: kept, since that match is what makes
 * the monitor read as fired (status disabled, out of the due scan); without it, it would read as
 * armed again while its shard (rightly) never fires it.
 */
const FIRED_ONCE_MATCH = `EXISTS (SELECT 1 FROM monitors m WHERE m.monitor_id = e.aggregate_id
  AND json_extract(m.definition, '$.fire.once') = 1
  AND m.definition_version = json_extract(e.body, '$.data.monitorVersion'))`;

/** The matchId of a trigger_matched event, as the index event_log_by_match (migration 0013) has it. */
const MATCH_ID = "json_extract(body, '$.data.matchId')";

/**
 * One chunk: every event of these events' matchIds (a match may have been re-emitted under another
 * eventId), their trigger_matches rows, and the monitor_state match fields those rows fed.
 */
function chunkStatements(seqs: number[]): SqlStatement[] {
  const list = JSON.stringify(seqs);
  const matchIds = `SELECT ${MATCH_ID} FROM event_log WHERE seq IN (SELECT value FROM json_each(?))`;
  const monitors = `SELECT json_extract(body, '$.data.monitorId') FROM event_log WHERE seq IN (SELECT value FROM json_each(?))`;
  return [
    // The count first, while the rows it subtracts are still there (the count is the monitor's rows).
    // `+t.monitor_id`: found by matchId (the primary key), not by walking the monitor's every match.
    {
      sql: `UPDATE monitor_state SET match_count = match_count - (SELECT COUNT(*) FROM trigger_matches t
        WHERE t.match_id IN (${matchIds}) AND +t.monitor_id = monitor_state.monitor_id)
        WHERE monitor_id IN (${monitors}) AND ${NO_REBUILD}`,
      params: [list, list],
    },
    { sql: `DELETE FROM trigger_matches WHERE match_id IN (${matchIds}) AND ${NO_REBUILD}`, params: [list] },
    // A monitor whose last match went: its newest remaining one, or none.
    {
      sql: `UPDATE monitor_state SET
        last_match_id = (SELECT match_id FROM trigger_matches t WHERE t.monitor_id = monitor_state.monitor_id
          ORDER BY observed_at DESC, match_id DESC LIMIT 1),
        last_matched_at = (SELECT observed_at FROM trigger_matches t WHERE t.monitor_id = monitor_state.monitor_id
          ORDER BY observed_at DESC, match_id DESC LIMIT 1)
        WHERE monitor_id IN (${monitors}) AND last_match_id IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM trigger_matches t WHERE t.match_id = monitor_state.last_match_id)
          AND ${NO_REBUILD}`,
      params: [list],
    },
    // A state row only its matches made (no registration, no tick) is one a rebuild would not make.
    {
      sql: `DELETE FROM monitor_state WHERE monitor_id IN (${monitors}) AND match_count = 0 AND tick_count = 0
        AND served_tick_count = 0
        AND NOT EXISTS (SELECT 1 FROM event_log e WHERE e.aggregate_type = 'monitor' AND e.aggregate_id = monitor_state.monitor_id
          AND e.type IN ('monitor_registered', 'monitor_updated')) AND ${NO_REBUILD}`,
      params: [list],
    },
    {
      sql: `DELETE FROM event_log INDEXED BY event_log_by_match
        WHERE type = 'trigger_matched' AND ${MATCH_ID} IN (${matchIds}) AND ${NO_REBUILD}`,
      params: [list],
    },
  ];
}

/**
 * Prunes up to `maxChunks` chunks of `chunk` events recorded before `before`; returns how many
 * events went (0 when a rebuild runs, or nothing is that old).
 */
export async function pruneMatchHistory(
  db: SqlExecutor,
  before: number,
  o: { chunk?: number; maxChunks?: number } = {},
): Promise<number> {
  const chunk = o.chunk ?? 2000;
  let pruned = 0;
  for (let i = 0; i < (o.maxChunks ?? 10); i++) {
    const rows = await db.all<{ seq: number }>({
      sql: `SELECT seq FROM event_log e WHERE type = 'trigger_matched' AND occurred_at < ? AND ${NO_REBUILD}
        AND NOT ${FIRED_ONCE_MATCH} ORDER BY occurred_at LIMIT ?`,
      params: [before, chunk],
    });
    if (rows.length === 0) break;
    await db.batch(chunkStatements(rows.map((r) => r.seq)));
    pruned += rows.length;
    if (rows.length < chunk) break;
  }
  return pruned;
}
