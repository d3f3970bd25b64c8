import { type DomainEvent, upcast } from "../../../shared/src/events";
import { checkpointStatement, type ProjectOptions, projectEvent } from "../../../shared/src/projections/apply";
import { SHADOW, type SqlStatement } from "../../../shared/src/projections/sql";

/**
 * One rebuild chunk: event_log rows in seq order, projected into the shadow set. Stored events
 * are upcast to their current version as they are read. The batch also advances the shadow
 * checkpoints and the rebuild's progress, both guarded by seq, so a retried chunk is a no-op.
 *
 * @example
 * const rows = await db.all<LoggedEventRow>(readChunkStatement(afterSeq, 1000));
 * await db.batch(chunkStatements(rebuildId, rows, Date.now()).statements);
 */
export type LoggedEventRow = { seq: number; body: string };

export function readChunkStatement(afterSeq: number, limit: number): SqlStatement {
  return { sql: "SELECT seq, body FROM event_log WHERE seq > ? ORDER BY seq LIMIT ?", params: [afterSeq, limit] };
}

/**
 * Upcast, not re-validated: event_log only ever receives events that passed DomainEventSchema
 * (applyEvents takes parsed events), and re-validating history would let a schema tightened
 * later refuse events it once accepted. Upcasters own the shape of old versions. (Skipping zod
 * here is also most of a rebuild's CPU; see load-tests/bench-replay.ts.)
 */
export function readLoggedEvent(row: LoggedEventRow): DomainEvent {
  return upcast(JSON.parse(row.body)) as DomainEvent;
}

export function chunkStatements(
  rebuildId: string,
  rows: LoggedEventRow[],
  now: number,
  options: ProjectOptions = {},
): { statements: SqlStatement[]; lastSeq: number | undefined; count: number } {
  const statements: SqlStatement[] = [];
  for (const row of rows) {
    const event = readLoggedEvent(row);
    statements.push(...projectEvent(event, SHADOW, { eventId: event.eventId, seq: row.seq }, options));
  }
  const last = rows.at(-1)?.seq;
  if (last === undefined) return { statements, lastSeq: undefined, count: 0 };
  statements.push(checkpointStatement(SHADOW, "?", [last], now), {
    sql: `UPDATE rebuilds SET events_applied = events_applied + ?, last_seq = ? WHERE rebuild_id = ? AND last_seq < ?`,
    params: [rows.length, last, rebuildId, last],
  });
  return { statements, lastSeq: last, count: rows.length };
}
