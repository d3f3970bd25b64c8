import type { MonitorRegistered, MonitorRemoved, MonitorUpdated } from "../events";
import { streamKeysOf } from "../predicate";
import { cachedSql, type SqlStatement, type TableSet } from "./sql";

/**
 * `monitor_streams`: one row per (monitor, stream its definition in force reads), the streams of
 * its conditions and of their operands, so `GET /v1/monitors?stream=` reads a stream's monitors
 * through an index instead of scanning every definition. Rows mirror the `monitors` row, which
 * the same batch updated first: a definition's rows are written only while it is the row's
 * definition and the monitor is not removed, and every row of another version is dropped. So the
 * table ends the same whatever order the events arrive in, and a repeated event changes nothing,
 * without a guard of its own.
 *
 * @example monitorStreamStatements(registeredEvent, LIVE) // [drop others, insert this version's]
 */
export function monitorStreamStatements(
  event: MonitorRegistered | MonitorUpdated | MonitorRemoved,
  tables: TableSet,
): SqlStatement[] {
  const { monitor_streams: t, monitors } = tables.names;
  const monitorId = event.aggregateId;
  // Rows not of the definition in force, or of a removed monitor, are not the monitor's streams.
  const drop: SqlStatement = {
    sql: cachedSql(
      tables,
      "monitor_streams.drop",
      () => `DELETE FROM ${t} WHERE monitor_id = ?1 AND EXISTS (SELECT 1 FROM ${monitors} m
  WHERE m.monitor_id = ?1 AND (m.removed = 1 OR m.definition_version <> ${t}.definition_version))`,
    ),
    params: [monitorId],
  };
  if (event.type === "monitor_removed") return [drop];
  const keys = streamKeysOf(event.data.predicate);
  const values = keys.map(() => "(?)").join(", ");
  const insert: SqlStatement = {
    sql: cachedSql(
      tables,
      `monitor_streams.insert.${keys.length}`,
      () => `INSERT OR IGNORE INTO ${t} (monitor_id, stream_key, definition_version)
  SELECT ?, column1, ? FROM (VALUES ${values})
  WHERE EXISTS (SELECT 1 FROM ${monitors} WHERE monitor_id = ? AND definition_version = ? AND removed = 0)`,
    ),
    params: [monitorId, event.aggregateVersion, ...keys, monitorId, event.aggregateVersion],
  };
  return [drop, insert];
}
