import { deriveMatchStateStatement } from "../../../shared/src/projections/monitor-state";
import { projectionDdl } from "../../../shared/src/projections/schema";
import { LIVE, PROJECTION_TABLES, PROJECTIONS, SHADOW, type SqlStatement } from "../../../shared/src/projections/sql";

/**
 * Shadow tables and the swap. Swap method: ALTER TABLE RENAME, in one batch per table
 * live → `<t>__old`, `<t>__shadow` → live, DROP `<t>__old`. Renames are O(1) whatever the table
 * size, so the batch holding D1's writer is short (a delete + insert-select copy would rewrite
 * every row inside it). SQLite keeps index names on rename, so each rebuild tags its shadow
 * indexes with its id (`<index>__r<id>`) and they move in with their table.
 *
 * The batch opens with an insert into rebuild_swap_guard whose CHECK holds only when
 * event_log's last seq is still the one the shadow caught up to: an event logged by the live
 * projector in between fails the whole batch (nothing swapped), and the caller catches up again.
 *
 * @example await db.batch(swapStatements({ rebuildId, caughtUpSeq, eventsApplied, now }));
 */
export function indexTag(rebuildId: string): string {
  return `__r${rebuildId.toLowerCase().replace(/[^a-z0-9]/g, "")}`;
}

export function createShadowStatements(rebuildId: string, now: number): SqlStatement[] {
  return [
    ...PROJECTION_TABLES.map((t) => ({ sql: `DROP TABLE IF EXISTS ${SHADOW.names[t]}`, params: [] })),
    ...projectionDdl(SHADOW.names, indexTag(rebuildId))
      .filter((d) => !d.readIndex)
      .map((d) => ({ sql: d.sql, params: [] })),
    ...PROJECTIONS.map((p) => ({
      sql: `INSERT INTO ${SHADOW.names.projection_checkpoints} (projection, last_seq, updated_at) VALUES (?, 0, ?)`,
      params: [p, now],
    })),
  ];
}

/**
 * After the bulk load, before the catch-up: the read-only indexes (cheaper built once than
 * maintained row by row) and monitor_state's match fields, derived from trigger_matches. Both
 * are idempotent, so a retried step is harmless.
 */
export function finishShadowStatements(rebuildId: string): SqlStatement[] {
  const indexes = projectionDdl(SHADOW.names, indexTag(rebuildId))
    .filter((d) => d.readIndex)
    .map((d) => ({ sql: d.sql.replace(/^CREATE INDEX /, "CREATE INDEX IF NOT EXISTS "), params: [] }));
  return [...indexes, deriveMatchStateStatement(SHADOW)];
}

export function swapStatements(input: {
  rebuildId: string;
  caughtUpSeq: number;
  eventsApplied: number;
  now: number;
}): SqlStatement[] {
  const { rebuildId, caughtUpSeq, eventsApplied, now } = input;
  const renames = PROJECTION_TABLES.flatMap((t) => {
    const live = LIVE.names[t];
    return [
      `DROP TABLE IF EXISTS ${live}__old`,
      `ALTER TABLE ${live} RENAME TO ${live}__old`,
      `ALTER TABLE ${SHADOW.names[t]} RENAME TO ${live}`,
      `DROP TABLE ${live}__old`,
    ].map((sql) => ({ sql, params: [] }));
  });
  return [
    {
      sql: `INSERT INTO rebuild_swap_guard (rebuild_id, ok, swapped_at) VALUES (?,
    (SELECT COALESCE(MAX(seq), 0) FROM event_log) = ?
      AND EXISTS (SELECT 1 FROM rebuilds WHERE rebuild_id = ? AND status = 'running'), ?)`,
      params: [rebuildId, caughtUpSeq, rebuildId, now],
    },
    ...renames,
    {
      sql: `UPDATE rebuilds SET status = 'complete', completed_at = ?, events_applied = ?, last_seq = ?
  WHERE rebuild_id = ?`,
      params: [now, eventsApplied, caughtUpSeq, rebuildId],
    },
  ];
}

/** Record a new rebuild (the admin route does this before starting the Workflow). */
export function startRebuildStatement(rebuildId: string, projections: string[], now: number): SqlStatement {
  return {
    sql: `INSERT INTO rebuilds (rebuild_id, status, projections, events_applied, last_seq, started_at)
  VALUES (?, 'running', ?, 0, 0, ?)`,
    params: [rebuildId, JSON.stringify(projections), now],
  };
}

export function failRebuildStatement(rebuildId: string, error: string, now: number): SqlStatement {
  return {
    sql: `UPDATE rebuilds SET status = 'failed', error = ?, completed_at = ? WHERE rebuild_id = ? AND status = 'running'`,
    params: [error.slice(0, 2000), now, rebuildId],
  };
}
