import type { TriggerMatched } from "../events";
import { cachedSql, type EventPosition, notApplied, type SqlStatement, type TableSet } from "./sql";

/**
 * `trigger_matches`: one row per matchId (a deterministic id, so a redelivered or re-emitted match
 * is one row). `body` is the event's data as JSON: what GET …/matches returns per match.
 */
export function matchRowStatement(event: TriggerMatched, tables: TableSet, at: EventPosition): SqlStatement {
  const g = notApplied(tables, "trigger_matches", at);
  const d = event.data;
  return {
    sql: cachedSql(
      tables,
      "matches.row",
      () => `INSERT OR IGNORE INTO ${tables.names.trigger_matches} (match_id, monitor_id, monitor_version, event_id,
    observed_at, workflow_id, portfolio_id, stream_key, body) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE ${g.sql}`,
    ),
    params: [
      d.matchId,
      d.monitorId,
      d.monitorVersion,
      d.eventId,
      d.observedAt,
      d.workflowId,
      d.portfolioId,
      d.streamKey,
      JSON.stringify(d),
      ...g.params,
    ],
  };
}
