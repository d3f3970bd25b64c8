import type { MonitorRegistered, MonitorUpdated, TickExecuted, TriggerMatched } from "../events";
import { matchIdParts } from "../ids";
import { cachedSql, type EventPosition, notApplied, type SqlStatement, type TableSet } from "./sql";

/**
 * Whether the monitors row says the monitor cannot be due: removed, disabled, not defined yet, or
 * its definition in force has a recorded monitor_expired. One SQL expression over the monitors
 * table, `?` being the monitor id; 0 for a monitor without a monitors row yet.
 */
function stoppedSql(monitors: string, id = "?"): string {
  return `COALESCE((SELECT removed = 1 OR enabled = 0 OR expired_version >= definition_version
    FROM ${monitors} WHERE monitor_id = ${id}), 0)`;
}

/**
 * `monitor_state.stopped`: the monitors row's stoppedSql, so the due scan's partial index holds
 * only monitors that can be due and the cron no longer walks past every stopped one. It is set
 * when a state row is created and recomputed after every change of the monitors row (each monitor
 * event, after its monitors statement): always a function of the monitors row, which is
 * order-free, so it is too.
 */
export function stoppedStateStatement(monitorId: string, tables: TableSet): SqlStatement {
  const { monitor_state: t, monitors } = tables.names;
  return {
    sql: cachedSql(
      tables,
      "state.stopped",
      () => `UPDATE ${t} SET stopped = ${stoppedSql(monitors)} WHERE monitor_id = ?`,
    ),
    params: [monitorId, monitorId],
  };
}

/**
 * `monitor_state`: match and tick counters plus the latest match and tick. Counters move only
 * when the guard says the event is new (and, for matches, the matchId is new: a match re-emitted
 * under a fresh eventId counts once). "Latest" is the max by event time, tie-broken by id, so a
 * reordered queue gives the same row.
 *
 * Must run before the trigger_matches insert of the same event (it checks the matchId is new).
 */
export function matchStateStatement(event: TriggerMatched, tables: TableSet, at: EventPosition): SqlStatement {
  const { monitor_state: t, trigger_matches: m } = tables.names;
  const g = notApplied(tables, "monitor_state", at);
  const d = event.data;
  const newer =
    "last_matched_at IS NULL OR (excluded.last_matched_at, excluded.last_match_id) > (last_matched_at, last_match_id)";
  return {
    sql: cachedSql(
      tables,
      "state.match",
      () => `INSERT INTO ${t} (monitor_id, match_count, last_match_id, last_matched_at, stopped)
  SELECT ?, 1, ?, ?, ${stoppedSql(tables.names.monitors)} WHERE ${g.sql} AND NOT EXISTS (SELECT 1 FROM ${m} WHERE match_id = ?)
  ON CONFLICT (monitor_id) DO UPDATE SET match_count = match_count + 1,
    last_match_id = CASE WHEN ${newer} THEN excluded.last_match_id ELSE last_match_id END,
    last_matched_at = CASE WHEN ${newer} THEN excluded.last_matched_at ELSE last_matched_at END`,
    ),
    params: [d.monitorId, d.matchId, d.observedAt, d.monitorId, ...g.params, d.matchId],
  };
}

/**
 * A tick counts for its monitor; a tick without monitorId counts for the workflow's live monitors
 * as the table stands at that point of the log (the one order-dependent rule here: emitters
 * should send monitorId). A coalesced wake's tick also counts for every other monitor whose match
 * it carried (servedTickStatement).
 */
export function tickStateStatements(event: TickExecuted, tables: TableSet, at: EventPosition): SqlStatement[] {
  const served = servedTickStatement(event, tables, at);
  return [tickStateStatement(event, tables, at), ...(served ? [served] : [])];
}

function tickStateStatement(event: TickExecuted, tables: TableSet, at: EventPosition): SqlStatement {
  const { monitor_state: t, monitors } = tables.names;
  const g = notApplied(tables, "monitor_state", at);
  const d = event.data;
  const newer = "last_tick_at IS NULL OR (excluded.last_tick_at, excluded.last_tick_id) > (last_tick_at, last_tick_id)";
  const pick = (c: string) => `${c} = CASE WHEN ${newer} THEN excluded.${c} ELSE ${c} END`;
  const upsert = `ON CONFLICT (monitor_id) DO UPDATE SET tick_count = tick_count + 1,
    ${["last_tick_id", "last_tick_at", "last_tick_reason", "next_due_at"].map(pick).join(",\n    ")}`;
  const insert = `INSERT INTO ${t} (monitor_id, tick_count, last_tick_id, last_tick_at, last_tick_reason, next_due_at, stopped)`;
  const values = [d.tickId, d.tickedAt, d.reason, d.nextDueAt];
  if (d.monitorId !== undefined) {
    return {
      sql: cachedSql(
        tables,
        "state.tick",
        () => `${insert} SELECT ?, 1, ?, ?, ?, ?, ${stoppedSql(monitors)} WHERE ${g.sql} ${upsert}`,
      ),
      params: [d.monitorId, ...values, d.monitorId, ...g.params],
    };
  }
  return {
    sql: cachedSql(
      tables,
      "state.tick-by-workflow",
      () => `${insert} SELECT w.monitor_id, 1, ?, ?, ?, ?, ${stoppedSql(monitors, "w.monitor_id")} FROM ${monitors} w
  WHERE w.workflow_id = ? AND w.removed = 0 AND ${g.sql}
  ${upsert}`,
    ),
    params: [...values, d.workflowId, ...g.params],
  };
}

/**
 * One wake of a workflow can carry the matches of several of its monitors (coalesced wakes): the
 * tick is recorded for one of them and acts on every match it carries. Each other monitor named by
 * those matchIds counts it as a served tick, so its state shows the tick that acted on its match
 * (else it read as matched and never woken). Served ticks have their own columns: the monitor's own
 * ticks alone decide its next_due_at (its schedule, and "due from registration until its first
 * tick"), as before. A function of the event alone (matchIds name their monitors): order-free.
 */
/** The monitors a tick served besides the one it was recorded for (none for a tick without monitorId). */
export function servedMonitorIds(d: TickExecuted["data"]): string[] {
  if (d.monitorId === undefined) return [];
  const named = new Set((d.matchIds ?? []).flatMap((id) => matchIdParts(id)?.monitorId ?? []));
  named.delete(d.monitorId);
  return [...named];
}

function servedTickStatement(event: TickExecuted, tables: TableSet, at: EventPosition): SqlStatement | undefined {
  const d = event.data;
  const others = servedMonitorIds(d);
  if (others.length === 0) return undefined;
  const { monitor_state: t, monitors } = tables.names;
  const g = notApplied(tables, "monitor_state", at);
  const newer =
    "last_served_tick_at IS NULL OR (excluded.last_served_tick_at, excluded.last_served_tick_id) > (last_served_tick_at, last_served_tick_id)";
  const pick = (c: string) => `${c} = CASE WHEN ${newer} THEN excluded.${c} ELSE ${c} END`;
  return {
    sql: cachedSql(
      tables,
      "state.tick-served",
      () => `INSERT INTO ${t} (monitor_id, served_tick_count, last_served_tick_id, last_served_tick_at, last_served_tick_reason, stopped)
  SELECT j.value, 1, ?, ?, ?, ${stoppedSql(monitors, "j.value")} FROM json_each(?) j WHERE ${g.sql}
  ON CONFLICT (monitor_id) DO UPDATE SET served_tick_count = served_tick_count + 1,
    ${["last_served_tick_id", "last_served_tick_at", "last_served_tick_reason"].map(pick).join(",\n    ")}`,
    ),
    params: [d.tickId, d.tickedAt, d.reason, JSON.stringify(others), ...g.params],
  };
}

/**
 * A registration creates the state row. A monitor with checkIntervalMs is due from its
 * registration until its first tick sets next_due_at (min over registrations: order-free).
 */
export function registrationStateStatement(
  event: MonitorRegistered | MonitorUpdated,
  tables: TableSet,
  at: EventPosition,
): SqlStatement {
  const t = tables.names.monitor_state;
  const g = notApplied(tables, "monitor_state", at);
  const due = event.data.checkIntervalMs === undefined ? null : event.occurredAt;
  return {
    sql: cachedSql(
      tables,
      "state.registration",
      () => `INSERT INTO ${t} (monitor_id, next_due_at, stopped) SELECT ?, ?, ${stoppedSql(tables.names.monitors)} WHERE ${g.sql}
  ON CONFLICT (monitor_id) DO UPDATE SET next_due_at = CASE
    WHEN last_tick_at IS NULL AND excluded.next_due_at IS NOT NULL
    THEN MIN(COALESCE(next_due_at, excluded.next_due_at), excluded.next_due_at)
    ELSE next_due_at END`,
    ),
    params: [event.data.monitorId, due, event.data.monitorId, ...g.params],
  };
}

/**
 * The match fields of every state row, recomputed from trigger_matches: match_count is the
 * number of match rows (a match counts once per matchId) and the last match is the max by
 * (observed_at, match_id), exactly what matchStateStatement maintains row by row. A rebuild
 * loads trigger_matches without it, then runs this once (absolute values: safe to repeat).
 */
export function deriveMatchStateStatement(tables: TableSet): SqlStatement {
  const { monitor_state: t, trigger_matches: m } = tables.names;
  return {
    sql: cachedSql(
      tables,
      "state.derive-matches",
      () => `INSERT INTO ${t} (monitor_id, match_count, last_match_id, last_matched_at, stopped)
  SELECT g.monitor_id, g.n,
    (SELECT match_id FROM ${m} AS r WHERE r.monitor_id = g.monitor_id ORDER BY observed_at DESC, match_id DESC LIMIT 1),
    g.last_at, ${stoppedSql(tables.names.monitors, "g.monitor_id")}
  FROM (SELECT monitor_id, COUNT(*) AS n, MAX(observed_at) AS last_at FROM ${m} GROUP BY monitor_id) AS g WHERE true
  ON CONFLICT (monitor_id) DO UPDATE SET match_count = excluded.match_count,
    last_match_id = excluded.last_match_id, last_matched_at = excluded.last_matched_at`,
    ),
    params: [],
  };
}
