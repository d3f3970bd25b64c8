import { conditionsOf } from "../../../shared/src/predicate";
import { streamKey } from "../../../shared/src/streams";
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
 * A request reads at most this many rows that the stream pre-filter let through: a stream named
 * only by strings that many other definitions contain answers a short page with a cursor.
 */
const SCAN_LIMIT = 2_000;

/**
 * A page of live monitors in monitorId order, after `cursor` (the last monitorId the previous page
 * read). Workflow, owner, enabled and status filter in SQL, through an index for workflow and
 * owner; a stream filter is pre-filtered in SQL (streamPrefilter) and checked exactly on each
 * definition's conditions, so a page may hold fewer than `limit` monitors while `nextCursor` says
 * more may follow.
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
  const monitors: MonitorView[] = [];
  let after = cursor ?? "";
  for (let scanned = 0; scanned < SCAN_LIMIT; ) {
    // One row past the page says whether another page follows.
    const step = limit + 1 - monitors.length;
    const { results } = await db
      .prepare(sql)
      .bind(...binds, after, step)
      .all<MonitorViewRow>();
    for (const row of results) {
      const view = monitorView(row, now);
      if (filters.stream !== undefined && !readsStream(view, filters.stream)) {
        after = row.monitor_id;
        continue;
      }
      if (monitors.length === limit) return { monitors, nextCursor: after };
      monitors.push(view);
      after = row.monitor_id;
    }
    scanned += results.length;
    if (results.length < step) return { monitors, nextCursor: null };
  }
  return { monitors, nextCursor: after };
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
    ...(filters.stream === undefined ? [] : streamPrefilter(filters.stream)),
  ];
  const used = clauses.filter((c): c is [string, string | number] => c[1] !== undefined);
  return {
    sql: `${MONITOR_VIEW_SQL}${used.map(([w]) => ` AND ${w}`).join("")} AND m.monitor_id > ? ORDER BY m.monitor_id LIMIT ?`,
    binds: used.map(([, v]) => v),
  };
}

/**
 * SQL clauses that every definition reading the stream `key` satisfies: its definition (the JSON
 * the projector stored) contains the kind and each subject part as JSON strings. SQLite checks
 * them on the stored text without handing the row to the Worker, so a page of a stream read by a
 * few monitors among many is one query instead of one request per 2,000 monitors; readsStream
 * then drops the rare definition that holds those strings elsewhere.
 */
export function streamPrefilter(key: string): [string, string][] {
  const colon = key.indexOf(":");
  const parts = [
    key.slice(0, colon),
    ...key
      .slice(colon + 1)
      .split("/")
      .map(decodeURIComponent),
  ];
  return parts.map((part) => ["instr(m.definition, ?) > 0", JSON.stringify(part)]);
}

function readsStream(view: MonitorView, key: string): boolean {
  return conditionsOf(view.predicate).some((c) => streamKey(c.stream) === key);
}
