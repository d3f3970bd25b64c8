import type { TickExecuted } from "../events";
import { servedMonitorIds } from "./monitor-state";
import { NO_REBUILD, retentionMs } from "./retention";
import type { SqlExecutor, SqlStatement } from "./sql";

/**
 * Tick history retention: `tick_executed` events recorded (occurred_at = tickedAt) before a cut
 * leave event_log, and the tick counts they fed go down, so a rebuild after a prune answers exactly
 * as the live tables do. A monitor checked every minute records 1,440 ticks a day: without it D1
 * (10 GB per database) fills with them. Off unless TICK_HISTORY_RETENTION_DAYS is set.
 *
 * What a rebuild could not derive from the rest of the log stays:
 * - a monitor's newest own tick and its newest served tick (they give `lastTickAt`, its reason and
 *   `next_due_at`: without them a rebuild would make a monitor due at once);
 * - ticks that returned execution refs (the refs table, and whether a workflow waits on one);
 * - ticks without monitorId (older emitters: whom they counted for depends on the log's order).
 *
 * A cursor (tick_prune_cursor, migration 0015) keeps where the last run stopped, so the ticks kept
 * for good (a removed monitor's last one) are read once, not on every run.
 *
 * @example await pruneTickHistory(d1Executor(env.DB), Date.now() - tickRetentionMs(env))
 */
/** TICK_HISTORY_RETENTION_DAYS in ms (default 0: every tick is kept; retention.ts). */
export function tickRetentionMs(env: { TICK_HISTORY_RETENTION_DAYS?: string }): number {
  return retentionMs(env.TICK_HISTORY_RETENTION_DAYS);
}

type Row = { seq: number; occurred_at: number; body: string };
type Position = { at: number; seq: number };

export async function pruneTickHistory(
  db: SqlExecutor,
  before: number,
  o: { chunk?: number; maxChunks?: number } = {},
): Promise<number> {
  const chunk = o.chunk ?? 2000;
  let pruned = 0;
  let from = await cursor(db);
  for (let i = 0; i < (o.maxChunks ?? 10); i++) {
    const rows = await db.all<Row>({
      sql: `SELECT seq, occurred_at, body FROM event_log INDEXED BY event_log_by_type_time
        WHERE type = 'tick_executed' AND occurred_at < ? AND (occurred_at, seq) > (?, ?) AND ${NO_REBUILD}
        ORDER BY occurred_at, seq LIMIT ?`,
      params: [before, from.at, from.seq, chunk],
    });
    const last = rows.at(-1);
    if (!last) break;
    const ticks = rows.map((r) => ({ seq: r.seq, data: (JSON.parse(r.body) as TickExecuted).data }));
    const newest = await newestTicks(db, ticks);
    const gone = ticks.filter(
      ({ data: d }) =>
        d.monitorId !== undefined &&
        (d.executionRefs?.length ?? 0) === 0 &&
        newest.own.get(d.monitorId) !== d.tickId &&
        !servedMonitorIds(d).some((m) => newest.served.get(m) === d.tickId),
    );
    from = { at: last.occurred_at, seq: last.seq };
    await db.batch([...pruneStatements(gone), saveCursor(from)]);
    pruned += gone.length;
    if (rows.length < chunk) break;
  }
  return pruned;
}

/** The newest own and served tickId of every monitor these ticks counted for. */
async function newestTicks(
  db: SqlExecutor,
  ticks: { data: TickExecuted["data"] }[],
): Promise<{ own: Map<string, string | null>; served: Map<string, string | null> }> {
  const ids = [
    ...new Set(ticks.flatMap(({ data: d }) => [...(d.monitorId ? [d.monitorId] : []), ...servedMonitorIds(d)])),
  ];
  const rows = await db.all<{ monitor_id: string; last_tick_id: string | null; last_served_tick_id: string | null }>({
    sql: `SELECT monitor_id, last_tick_id, last_served_tick_id FROM monitor_state
      WHERE monitor_id IN (SELECT value FROM json_each(?))`,
    params: [JSON.stringify(ids)],
  });
  return {
    own: new Map(rows.map((r) => [r.monitor_id, r.last_tick_id])),
    served: new Map(rows.map((r) => [r.monitor_id, r.last_served_tick_id])),
  };
}

/** The counts these ticks fed, taken back, and the events gone; in one batch with the cursor. */
function pruneStatements(gone: { seq: number; data: TickExecuted["data"] }[]): SqlStatement[] {
  if (gone.length === 0) return [];
  const own = new Map<string, number>();
  const served = new Map<string, number>();
  for (const { data: d } of gone) {
    own.set(d.monitorId as string, (own.get(d.monitorId as string) ?? 0) + 1);
    for (const m of servedMonitorIds(d)) served.set(m, (served.get(m) ?? 0) + 1);
  }
  const lower = (column: string, counts: Map<string, number>): SqlStatement => {
    const json = JSON.stringify(Object.fromEntries(counts));
    return {
      sql: `UPDATE monitor_state SET ${column} = ${column} - (SELECT value FROM json_each(?1) WHERE key = monitor_state.monitor_id)
        WHERE monitor_id IN (SELECT key FROM json_each(?1)) AND ${NO_REBUILD}`,
      params: [json],
    };
  };
  return [
    lower("tick_count", own),
    ...(served.size > 0 ? [lower("served_tick_count", served)] : []),
    {
      sql: `DELETE FROM event_log WHERE seq IN (SELECT value FROM json_each(?)) AND ${NO_REBUILD}`,
      params: [JSON.stringify(gone.map((g) => g.seq))],
    },
  ];
}

async function cursor(db: SqlExecutor): Promise<Position> {
  const [row] = await db.all<{ occurred_at: number; seq: number }>({
    sql: "SELECT occurred_at, seq FROM tick_prune_cursor WHERE id = 0",
    params: [],
  });
  return row ? { at: row.occurred_at, seq: row.seq } : { at: Number.MIN_SAFE_INTEGER, seq: 0 };
}

function saveCursor(p: Position): SqlStatement {
  return {
    sql: `INSERT INTO tick_prune_cursor (id, occurred_at, seq) SELECT 0, ?, ? WHERE ${NO_REBUILD}
      ON CONFLICT (id) DO UPDATE SET occurred_at = excluded.occurred_at, seq = excluded.seq`,
    params: [p.at, p.seq],
  };
}
