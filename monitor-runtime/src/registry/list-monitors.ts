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

/** Rows read per step while a stream filter (checked on the definition) skips monitors. */
const SCAN_STEP = 200;
/** A request reads at most this many rows: a rare stream answers a short page with a cursor, not a long wait. */
const SCAN_LIMIT = 2_000;

/**
 * A page of live monitors in monitorId order, after `cursor` (the last monitorId the previous page
 * read). Workflow, owner, enabled and status filter in SQL; a stream filter is checked on each definition's
 * conditions, so a page may hold fewer than `limit` monitors while `nextCursor` says more may follow.
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
  const clauses: [string, string | number | undefined][] = [
    ["m.workflow_id = ?", filters.workflowId],
    ["m.owner_user_id = ?", filters.ownerUserId],
    ["m.enabled = ?", filters.enabled === undefined ? undefined : filters.enabled ? 1 : 0],
    [filters.status === undefined ? "" : STATUS_SQL[filters.status], filters.status === undefined ? undefined : now],
  ];
  const used = clauses.filter((c): c is [string, string | number] => c[1] !== undefined);
  const binds = used.map(([, v]) => v);
  const sql = `${MONITOR_VIEW_SQL}${used.map(([w]) => ` AND ${w}`).join("")} AND m.monitor_id > ? ORDER BY m.monitor_id LIMIT ?`;
  const monitors: MonitorView[] = [];
  let after = cursor ?? "";
  for (let scanned = 0; scanned < SCAN_LIMIT; ) {
    const step = filters.stream === undefined ? limit + 1 - monitors.length : SCAN_STEP;
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

function readsStream(view: MonitorView, key: string): boolean {
  return conditionsOf(view.predicate).some((c) => streamKey(c.stream) === key);
}
