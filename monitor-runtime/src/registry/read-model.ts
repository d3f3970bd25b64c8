import type { MonitorStatus, MonitorRead as MonitorView } from "../../../shared/src/contract/reads";
import type { MonitorDefinition } from "../../../shared/src/monitor";
import { matchViewOf } from "../match-feed/match-view";

/**
 * Reads of the registry from the D1 projections (`monitors`, `monitor_state`, `trigger_matches`).
 * They answer exactly the same after a projection rebuild, because the rebuild recreates the same rows.
 */
export type {
  MonitorRead as MonitorView,
  MonitorState as MonitorStateView,
  MonitorStatus,
} from "../../../shared/src/contract/reads";

/** SQL for "this row's definition is expired at the time bound to ?" (the list's status filter). */
export const EXPIRED_SQL =
  "(m.expired_version >= m.definition_version OR (m.expires_at IS NOT NULL AND m.expires_at <= ?))";

/**
 * SQL for "this row is a `once` monitor whose version in force has matched": DESIGN §3 "once
 * (disable after the first fire)". The matcher stops it there; reads say `disabled` and the cron
 * stops waking it, while its definition (and version) stay as registered, so the match that
 * stopped it is not superseded and still wakes its workflow. Any update is a new version, which
 * re-arms it. No bound parameter.
 */
export const FIRED_ONCE_SQL = `(json_extract(m.definition, '$.fire.once') = 1 AND EXISTS (SELECT 1 FROM trigger_matches t
    WHERE t.monitor_id = m.monitor_id AND t.monitor_version = m.definition_version))`;

/** The columns a monitor read selects (definition joined with its state). */
export const MONITOR_VIEW_SQL = `SELECT m.monitor_id, m.definition, m.enabled, m.expires_at, m.expired_version,
    m.definition_version, ${FIRED_ONCE_SQL} AS fired_once, s.match_count, s.last_match_id, s.last_matched_at,
    s.tick_count, s.last_tick_id, s.last_tick_at, s.last_tick_reason, s.served_tick_count, s.last_served_tick_id,
    s.last_served_tick_at, s.last_served_tick_reason
  FROM monitors m LEFT JOIN monitor_state s ON s.monitor_id = m.monitor_id
  WHERE m.removed = 0 AND m.definition IS NOT NULL`;

/** Expired first (wall clock), then disabled (by `enabled`, or a `once` monitor that fired), else active. */
export function statusOf(
  row: Pick<MonitorViewRow, "enabled" | "expires_at" | "expired_version" | "definition_version" | "fired_once">,
  now: number,
): MonitorStatus {
  const expired = row.expired_version >= row.definition_version || (row.expires_at !== null && row.expires_at <= now);
  if (expired) return "expired";
  return row.enabled && !row.fired_once ? "active" : "disabled";
}

export type MonitorViewRow = {
  monitor_id: string;
  definition: string;
  enabled: number;
  expires_at: number | null;
  expired_version: number;
  definition_version: number;
  /** 1 when FIRED_ONCE_SQL holds. */
  fired_once: number;
  match_count: number | null;
  last_match_id: string | null;
  last_matched_at: number | null;
  tick_count: number | null;
  last_tick_id: string | null;
  last_tick_at: number | null;
  last_tick_reason: string | null;
  served_tick_count: number | null;
  last_served_tick_id: string | null;
  last_served_tick_at: number | null;
  last_served_tick_reason: string | null;
};

export function monitorView(row: MonitorViewRow, now: number): MonitorView {
  return {
    ...(JSON.parse(row.definition) as MonitorDefinition),
    status: statusOf(row, now),
    state: {
      matchCount: row.match_count ?? 0,
      lastMatchId: row.last_match_id,
      lastMatchedAt: row.last_matched_at,
      ...ticksOf(row),
    },
  };
}

/**
 * A monitor's ticks: its own and those it was served by (a coalesced wake's tick that acted on its
 * match while recorded for another monitor of the workflow), the latest being the newer of the two.
 */
function ticksOf(row: MonitorViewRow): { tickCount: number; lastTickAt: number | null; lastTickReason: string | null } {
  const own = { at: row.last_tick_at, id: row.last_tick_id ?? "", reason: row.last_tick_reason };
  const served = {
    at: row.last_served_tick_at,
    id: row.last_served_tick_id ?? "",
    reason: row.last_served_tick_reason,
  };
  const servedNewer =
    served.at !== null && (own.at === null || served.at > own.at || (served.at === own.at && served.id > own.id));
  const last = servedNewer ? served : own;
  return {
    tickCount: (row.tick_count ?? 0) + (row.served_tick_count ?? 0),
    lastTickAt: last.at,
    lastTickReason: last.reason,
  };
}

export async function readMonitor(db: D1Database, monitorId: string, now = Date.now()): Promise<MonitorView | null> {
  const row = await db.prepare(`${MONITOR_VIEW_SQL} AND m.monitor_id = ?`).bind(monitorId).first<MonitorViewRow>();
  return row ? monitorView(row, now) : null;
}

/** Whether the monitor was ever registered (a removed one keeps its row). */
export async function monitorKnown(db: D1Database, monitorId: string): Promise<boolean> {
  return (await db.prepare("SELECT 1 AS one FROM monitors WHERE monitor_id = ?").bind(monitorId).first()) !== null;
}

/**
 * A page of matches in event-time order, after the match named by the cursor; null when the cursor
 * names no match of this monitor (the caller says so, rather than answer an empty last page).
 */
export async function readMatches(
  db: D1Database,
  monitorId: string,
  limit: number,
  after?: string,
  order: "asc" | "desc" = "asc",
): Promise<unknown[] | null> {
  let cursor: { observed_at: number; match_id: string } | null = null;
  if (after) {
    cursor = await db
      .prepare("SELECT observed_at, match_id FROM trigger_matches WHERE match_id = ? AND monitor_id = ?")
      .bind(after, monitorId)
      .first();
    if (!cursor) return null;
  }
  // Constants chosen by `order`, never bound values: newest first walks the same index backwards.
  const [past, dir] = order === "desc" ? ["<", "DESC"] : [">", "ASC"];
  const { results } = cursor
    ? await db
        .prepare(
          `SELECT body FROM trigger_matches WHERE monitor_id = ? AND (observed_at ${past} ? OR (observed_at = ? AND match_id ${past} ?)) ORDER BY observed_at ${dir}, match_id ${dir} LIMIT ?`,
        )
        .bind(monitorId, cursor.observed_at, cursor.observed_at, cursor.match_id, limit)
        .all<{ body: string }>()
    : await db
        .prepare(
          `SELECT body FROM trigger_matches WHERE monitor_id = ? ORDER BY observed_at ${dir}, match_id ${dir} LIMIT ?`,
        )
        .bind(monitorId, limit)
        .all<{ body: string }>();
  return results.map((r) => matchViewOf(JSON.parse(r.body) as Record<string, unknown>));
}
