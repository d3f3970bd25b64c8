import type { MonitorExpired, MonitorRegistered, MonitorRemoved, MonitorUpdated } from "../events";
import { cachedSql, type EventPosition, notApplied, type SqlStatement, type TableSet } from "./sql";

/**
 * `monitors`: the highest-version definition of each monitor. Every column is a max or a value
 * picked by the highest version, so the result does not depend on the order events arrive in.
 * `expired_version` is the highest version a monitor_expired was recorded for: the definition in
 * the row is expired when it is ≥ definition_version (reads also compare expires_at with now).
 *
 * @example monitorStatements(event, LIVE, { eventId: event.eventId })
 */
export function monitorStatements(
  event: MonitorRegistered | MonitorUpdated | MonitorRemoved | MonitorExpired,
  tables: TableSet,
  at: EventPosition,
): SqlStatement[] {
  const t = tables.names.monitors;
  const g = notApplied(tables, "monitors", at);
  const v = event.aggregateVersion;
  // SET expressions all read the row's old values, so their order does not matter.
  const newer = "excluded.version > version";
  const newerDef = "excluded.definition_version > definition_version";
  // A monitor_expired shares its version with the definition it expires: at equal versions the
  // later time (and a removal) wins, so either arrival order leaves the same row.
  const common = `version = MAX(version, excluded.version),
    removed = CASE WHEN ${newer} THEN excluded.removed
      WHEN excluded.version = version THEN MAX(removed, excluded.removed) ELSE removed END,
    updated_at = CASE WHEN ${newer} THEN excluded.updated_at
      WHEN excluded.version = version THEN MAX(updated_at, excluded.updated_at) ELSE updated_at END,
    created_at = MIN(created_at, excluded.created_at),
    expired_version = MAX(expired_version, excluded.expired_version)`;
  const insert = `INSERT INTO ${t} (monitor_id, version, definition_version, definition, workflow_id, owner_user_id,
    enabled, removed, created_at, updated_at, expires_at, expired_version)`;

  if (event.type === "monitor_removed" || event.type === "monitor_expired") {
    const removed = event.type === "monitor_removed" ? 1 : 0;
    const expired = event.type === "monitor_expired" ? v : 0;
    // A row without a definition (definition_version 0) until the definition's event arrives.
    return [
      {
        sql: cachedSql(
          tables,
          "monitors.undefined",
          () => `${insert} SELECT ?, ?, 0, NULL, NULL, NULL, 0, ?, ?, ?, NULL, ? WHERE ${g.sql}
  ON CONFLICT (monitor_id) DO UPDATE SET ${common}`,
        ),
        params: [event.aggregateId, v, removed, event.occurredAt, event.occurredAt, expired, ...g.params],
      },
    ];
  }
  const d = event.data;
  return [
    {
      sql: cachedSql(
        tables,
        "monitors.defined",
        () => `${insert} SELECT ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, 0 WHERE ${g.sql}
  ON CONFLICT (monitor_id) DO UPDATE SET ${common},
    definition = CASE WHEN ${newerDef} THEN excluded.definition ELSE definition END,
    workflow_id = CASE WHEN ${newerDef} THEN excluded.workflow_id ELSE workflow_id END,
    owner_user_id = CASE WHEN ${newerDef} THEN excluded.owner_user_id ELSE owner_user_id END,
    enabled = CASE WHEN ${newerDef} THEN excluded.enabled ELSE enabled END,
    expires_at = CASE WHEN ${newerDef} THEN excluded.expires_at ELSE expires_at END,
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
        d.expiresAt ?? null,
        ...g.params,
      ],
    },
  ];
}
