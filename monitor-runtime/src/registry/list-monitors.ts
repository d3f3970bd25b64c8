import {
  EXPIRED_SQL,
  FIRED_ONCE_SQL,
  MONITOR_VIEW_SQL,
  type MonitorStatus,
  type MonitorView,
  type MonitorViewRow,
  monitorView,
} from "./read-model";

/** Filters of GET /v1/monitors; `stream` is a stream key such as `market_price:BTC-USD`. */
export type MonitorFilters = {
  workflowId?: string;
  ownerUserId?: string;
  enabled?: boolean;
  status?: MonitorStatus;
  stream?: string;
};

/** The status filter as SQL over one bound `now` (see statusOf: expiry comes first). */
const STATUS_SQL: Record<MonitorStatus, string> = {
  expired: EXPIRED_SQL,
  active: `m.enabled = 1 AND NOT ${FIRED_ONCE_SQL} AND NOT ${EXPIRED_SQL}`,
  disabled: `(m.enabled = 0 OR ${FIRED_ONCE_SQL}) AND NOT ${EXPIRED_SQL}`,
};

/**
 * A page of live monitors in monitorId order, after `cursor` (the last monitorId the previous page
 * read). Every filter is SQL: workflow and owner through an index on (filter, monitor_id), a
 * stream through monitor_streams' (stream_key, monitor_id), so a page costs the same at any depth
 * whatever the table's size.
 *
 * @example await listMonitors(env.DB, { ownerUserId: "u_1" }, 50) // { monitors, nextCursor }
 */
export async function listMonitors(
  db: D1Database,
  filters: MonitorFilters,
  limit: number,
  cursor?: string,
  now = Date.now(),
): Promise<{ monitors: MonitorView[]; nextCursor: string | null }> {
  const { sql, binds } = listQuery(filters, now);
  // One row past the page says whether another page follows.
  const { results } = await db
    .prepare(sql)
    .bind(...binds, cursor ?? "", limit + 1)
    .all<MonitorViewRow>();
  const monitors = results.slice(0, limit).map((row) => monitorView(row, now));
  return { monitors, nextCursor: results.length > limit ? (monitors.at(-1)?.monitorId ?? null) : null };
}

/**
 * The page query of listMonitors: its filters, then the cursor and the row count bound last.
 * Exported so a test can check its query plan (an index serves each filter's page).
 */
export function listQuery(filters: MonitorFilters, now: number): { sql: string; binds: (string | number)[] } {
  const clauses: [string, string | number | undefined][] = [
    ["m.workflow_id = ?", filters.workflowId],
    ["m.owner_user_id = ?", filters.ownerUserId],
    ["m.enabled = ?", filters.enabled === undefined ? undefined : filters.enabled ? 1 : 0],
    [filters.status === undefined ? "" : STATUS_SQL[filters.status], filters.status === undefined ? undefined : now],
    ["ms.stream_key = ?", filters.stream],
  ];
  const used = clauses.filter((c): c is [string, string | number] => c[1] !== undefined);
  // A stream's monitors are walked from its index entries, in monitorId order; CROSS JOIN keeps
  // SQLite from driving the page from monitors instead (a scan for a rare stream).
  const from =
    filters.stream === undefined
      ? MONITOR_VIEW_SQL
      : MONITOR_VIEW_SQL.replace(
          "FROM monitors m",
          "FROM monitor_streams ms CROSS JOIN monitors m ON m.monitor_id = ms.monitor_id",
        );
  const id = filters.stream === undefined ? "m.monitor_id" : "ms.monitor_id";
  return {
    sql: `${from}${used.map(([w]) => ` AND ${w}`).join("")} AND ${id} > ? ORDER BY ${id} LIMIT ?`,
    binds: used.map(([, v]) => v),
  };
}
