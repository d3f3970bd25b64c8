import { EXECUTION_REF_KINDS, type ExecutionCompleted, type ExecutionRefKind, executionRefKey } from "../events";
import { cachedSql, type EventPosition, notApplied, type SqlStatement, type TableSet } from "./sql";

/**
 * `workflow_execution_refs`: one row per id of an execution, so notify-execution finds the
 * workflow from any one of them. Recording and completion commute (a queue may reorder them):
 * a completion that comes first creates the execution's canonical row, and a later record copies
 * its status onto the other rows. Among records (and among completions) the newest by
 * (occurredAt, eventId) wins.
 */
export type ExecutionRefInput = {
  workflowId: string;
  portfolioId: string | null;
  ids: Partial<Record<ExecutionRefKind, string>>;
  occurredAt: number;
  eventId: string;
};

const NEWER_RECORD =
  "(excluded.recorded_at, excluded.recorded_event_id) > (COALESCE(recorded_at, -1), COALESCE(recorded_event_id, ''))";
const NEWER_COMPLETION =
  "(excluded.completed_at, excluded.completed_event_id) > (COALESCE(completed_at, -1), COALESCE(completed_event_id, ''))";
const INSERT_COLUMNS = `(ref_kind, ref_value, workflow_id, portfolio_id, ref_key, recorded_at, recorded_event_id, status,
    completed_at, completed_event_id)`;

export function recordRefStatements(ref: ExecutionRefInput, tables: TableSet, at: EventPosition): SqlStatement[] {
  const t = tables.names.workflow_execution_refs;
  const g = notApplied(tables, "workflow_execution_refs", at);
  const refKey = executionRefKey(ref.ids);
  const pick = (c: string) => `${c} = CASE WHEN ${NEWER_RECORD} THEN excluded.${c} ELSE ${c} END`;
  // A new row takes the execution's completion from the rows it already has: its canonical row
  // (a completion that came before the record) or a row of any id this record names (a record
  // that adds an id to an execution that already completed). Canonical row first
  // (EXECUTION_REF_KINDS order), so the others copy its completion too.
  const known = JSON.stringify(Object.entries(ref.ids));
  return EXECUTION_REF_KINDS.flatMap((kind) => {
    const value = ref.ids[kind];
    if (value === undefined) return [];
    return [
      {
        sql: cachedSql(
          tables,
          "refs.record",
          () => `INSERT INTO ${t} ${INSERT_COLUMNS}
  SELECT ?, ?, ?, ?, ?, ?, ?, COALESCE(c.status, 'pending'), c.completed_at, c.completed_event_id
  FROM (SELECT 1) LEFT JOIN (SELECT status, completed_at, completed_event_id FROM ${t}
    WHERE (ref_kind, ref_value) IN (SELECT value ->> 0, value ->> 1 FROM json_each(?)) AND completed_at IS NOT NULL
    ORDER BY completed_at DESC, completed_event_id DESC LIMIT 1) AS c ON true WHERE ${g.sql}
  ON CONFLICT (ref_kind, ref_value) DO UPDATE SET
    ${["workflow_id", "portfolio_id", "ref_key", "recorded_at", "recorded_event_id"].map(pick).join(",\n    ")}`,
        ),
        params: [kind, value, ref.workflowId, ref.portfolioId, refKey, ref.occurredAt, ref.eventId, known, ...g.params],
      },
    ];
  });
}

export function completionStatements(event: ExecutionCompleted, tables: TableSet, at: EventPosition): SqlStatement[] {
  const t = tables.names.workflow_execution_refs;
  const g = notApplied(tables, "workflow_execution_refs", at);
  const d = event.data;
  const [kind, ...rest] = d.refKey.split(":");
  const completion = [d.status, event.occurredAt, event.eventId];
  const pick = (c: string) => `${c} = CASE WHEN ${NEWER_COMPLETION} THEN excluded.${c} ELSE ${c} END`;
  return [
    {
      sql: cachedSql(
        tables,
        "refs.complete",
        () => `UPDATE ${t} SET status = ?, completed_at = ?, completed_event_id = ?,
    workflow_id = CASE WHEN recorded_at IS NULL THEN ? ELSE workflow_id END
  WHERE ref_key = ? AND (?, ?) > (COALESCE(completed_at, -1), COALESCE(completed_event_id, '')) AND ${g.sql}`,
      ),
      params: [...completion, d.workflowId, d.refKey, event.occurredAt, event.eventId, ...g.params],
    },
    {
      // The canonical row, in case the completion arrived before the record (until a record
      // names the workflow, the newest completion's workflow stands).
      sql: cachedSql(
        tables,
        "refs.complete-canonical",
        () => `INSERT INTO ${t} ${INSERT_COLUMNS} SELECT ?, ?, ?, NULL, ?, NULL, NULL, ?, ?, ? WHERE ${g.sql}
  ON CONFLICT (ref_kind, ref_value) DO UPDATE SET
    ${["status", "completed_at", "completed_event_id"].map(pick).join(",\n    ")},
    workflow_id = CASE WHEN recorded_at IS NULL AND ${NEWER_COMPLETION} THEN excluded.workflow_id ELSE workflow_id END`,
      ),
      params: [kind ?? "", rest.join(":"), d.workflowId, d.refKey, ...completion, ...g.params],
    },
  ];
}
