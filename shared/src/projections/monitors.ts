import type { MonitorRegistered, MonitorRemoved, MonitorUpdated } from "../events";
import { cachedSql, type EventPosition, notApplied, type SqlStatement, type TableSet } from "./sql";

/**
 * `monitors`: the highest-version definition of each monitor. Every column is a max or a value
 * picked by the highest version, so the result does not depend on the order events arrive in.
 *
 * @example monitorStatements(event, LIVE, { eventId: event.eventId })
 */
export function monitorStatements(
  event: MonitorRegistered | MonitorUpdated | MonitorRemoved,
  tables: TableSet,
  at: EventPosition,
): SqlStatement[] {
  const t = tables.names.monitors;
  const g = notApplied(tables, "monitors", at);
  const v = event.aggregateVersion;
  // SET expressions all read the row's old values, so their order does not matter.
  const newer = "excluded.version > version";
  const newerDef = "excluded.definition_version > definition_version";
  const common = `version = MAX(version, excluded.version),
    removed = CASE WHEN ${newer} THEN excluded.removed ELSE removed END,
    updated_at = CASE WHEN ${newer} THEN excluded.updated_at ELSE updated_at END,
    created_at = MIN(created_at, excluded.created_at)`;
  const insert = `INSERT INTO ${t} (monitor_id, version, definition_version, definition, workflow_id, owner_user_id,
    enabled, removed, created_at, updated_at)`;

  if (event.type === "monitor_removed") {
    return [
      {
        sql: cachedSql(
          tables,
          "monitors.removed",
          () => `${insert} SELECT ?, ?, 0, NULL, NULL, NULL, 0, 1, ?, ? WHERE ${g.sql}
  ON CONFLICT (monitor_id) DO UPDATE SET ${common}`,
        ),
        params: [event.data.monitorId, v, event.occurredAt, event.occurredAt, ...g.params],
      },
    ];
  }
  const d = event.data;
  return [
    {
      sql: cachedSql(
        tables,
        "monitors.defined",
        () => `${insert} SELECT ?, ?, ?, ?, ?, ?, ?, 0, ?, ? WHERE ${g.sql}
  ON CONFLICT (monitor_id) DO UPDATE SET ${common},
    definition = CASE WHEN ${newerDef} THEN excluded.definition ELSE definition END,
    workflow_id = CASE WHEN ${newerDef} THEN excluded.workflow_id ELSE workflow_id END,
    owner_user_id = CASE WHEN ${newerDef} THEN excluded.owner_user_id ELSE owner_user_id END,
    enabled = CASE WHEN ${newerDef} THEN excluded.enabled ELSE enabled END,
    definition_version = MAX(definition_version, excluded.definition_version)`,
      ),
      params: [
        d.monitorId,
        v,
        v,
        JSON.stringify(d),
        d.workflowId,
        d.ownerUserId,
        d.enabled ? 1 : 0,
        event.occurredAt,
        event.occurredAt,
        ...g.params,
      ],
    },
  ];
}
