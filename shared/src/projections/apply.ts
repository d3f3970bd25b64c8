import type { DomainEvent } from "../events";
import { completionStatements, recordRefStatements } from "./execution-refs";
import {
  matchStateStatement,
  registrationStateStatement,
  stoppedStateStatement,
  tickStateStatements,
} from "./monitor-state";
import { monitorStreamStatements } from "./monitor-streams";
import { monitorStatements } from "./monitors";
import { type EventPosition, LIVE, PROJECTIONS, type SqlExecutor, type SqlStatement, type TableSet } from "./sql";
import { matchRowStatement } from "./trigger-matches";

/**
 * Event → projection statements for one table set (no event_log write). Statements are guarded
 * (see TableSet), so running them twice changes nothing.
 *
 * @example projectEvent(event, SHADOW, { eventId: event.eventId, seq: 42 })
 */
export type ProjectOptions = {
  /** Leave monitor_state's match fields to deriveMatchStateStatement (a rebuild's bulk load). */
  deferMatchState?: boolean;
};

export function projectEvent(
  event: DomainEvent,
  tables: TableSet,
  at: EventPosition,
  options: ProjectOptions = {},
): SqlStatement[] {
  switch (event.type) {
    case "monitor_registered":
    case "monitor_updated":
      return [
        ...monitorStatements(event, tables, at),
        ...monitorStreamStatements(event, tables),
        registrationStateStatement(event, tables, at),
        stoppedStateStatement(event.aggregateId, tables),
      ];
    case "monitor_removed":
      return [
        ...monitorStatements(event, tables, at),
        ...monitorStreamStatements(event, tables),
        stoppedStateStatement(event.aggregateId, tables),
      ];
    case "monitor_expired":
      return [...monitorStatements(event, tables, at), stoppedStateStatement(event.aggregateId, tables)];
    case "trigger_matched":
      if (options.deferMatchState) return [matchRowStatement(event, tables, at)];
      // State first: it counts the match only while its matchId is not yet a row.
      return [matchStateStatement(event, tables, at), matchRowStatement(event, tables, at)];
    case "tick_executed": {
      const d = event.data;
      const refs = (d.executionRefs ?? []).flatMap((r) => {
        const { portfolioId, ...ids } = r;
        const input = { workflowId: d.workflowId, portfolioId: portfolioId ?? null, ids, ...stampOf(event) };
        return recordRefStatements(input, tables, at);
      });
      return [...tickStateStatements(event, tables, at), ...refs];
    }
    case "execution_ref_recorded": {
      const { workflowId, portfolioId, ...ids } = event.data;
      return recordRefStatements({ workflowId, portfolioId, ids, ...stampOf(event) }, tables, at);
    }
    case "execution_completed":
      return completionStatements(event, tables, at);
  }
}

const stampOf = (e: DomainEvent) => ({ occurredAt: e.occurredAt, eventId: e.eventId });

/** Append one event to event_log (a no-op for a known eventId). */
export function logInsert(event: DomainEvent): SqlStatement {
  return {
    sql: `INSERT OR IGNORE INTO event_log (event_id, type, aggregate_type, aggregate_id, aggregate_version, occurred_at,
    schema_version, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    params: [
      event.eventId,
      event.type,
      event.aggregateType,
      event.aggregateId,
      event.aggregateVersion,
      event.occurredAt,
      event.schemaVersion,
      JSON.stringify(event),
    ],
  };
}

/** Set every projection's checkpoint to `seq` (an SQL expression), never moving it back. */
export function checkpointStatement(tables: TableSet, seqSql: string, seqParams: number[], now: number): SqlStatement {
  const values = PROJECTIONS.map(() => "(?)").join(", ");
  return {
    sql: `INSERT INTO ${tables.names.projection_checkpoints} (projection, last_seq, updated_at)
  SELECT column1, ${seqSql}, ? FROM (VALUES ${values}) WHERE true
  ON CONFLICT (projection) DO UPDATE SET last_seq = MAX(last_seq, excluded.last_seq), updated_at = excluded.updated_at`,
    params: [...seqParams, now, ...PROJECTIONS],
  };
}

/**
 * The live batch for events from Queue "events": per event its projection statements, then its
 * event_log append (the live guard is "not yet in event_log", so the order matters), then the
 * checkpoints. Run it as one D1 batch: all or nothing, and safe to redeliver whole or in part.
 *
 * @example await env.DB.batch(applyStatements(events, LIVE, Date.now()).map((s) => env.DB.prepare(s.sql).bind(...s.params)))
 */
export function applyStatements(events: DomainEvent[], tables: TableSet = LIVE, now = Date.now()): SqlStatement[] {
  if (tables.guard !== "log") throw new Error("live batches need a log-guarded table set");
  const statements: SqlStatement[] = [];
  const seen = new Set<string>();
  for (const event of events) {
    if (seen.has(event.eventId)) continue;
    seen.add(event.eventId);
    statements.push(...projectEvent(event, tables, { eventId: event.eventId }), logInsert(event));
  }
  if (statements.length > 0) {
    statements.push(checkpointStatement(tables, "(SELECT COALESCE(MAX(seq), 0) FROM event_log)", [], now));
  }
  return statements;
}

/** Apply a batch of events to event_log and the live projections, atomically. */
export async function applyEvents(
  db: SqlExecutor,
  events: DomainEvent[],
  tables: TableSet = LIVE,
  now = Date.now(),
): Promise<void> {
  await db.batch(applyStatements(events, tables, now));
}
