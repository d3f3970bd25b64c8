import type { MonitorIdentity } from "../../../shared/src/contract/trigger-match";
import type { MonitorDefinition } from "../../../shared/src/monitor";
import type { EngineStateKind, MonitorStore } from "./storage-port";

const SCHEMA = [
  "CREATE TABLE IF NOT EXISTS monitors (monitor_id TEXT PRIMARY KEY, version INTEGER NOT NULL, def TEXT)",
  "CREATE TABLE IF NOT EXISTS monitor_state (monitor_id TEXT PRIMARY KEY, state TEXT NOT NULL)",
  "CREATE TABLE IF NOT EXISTS stream_state (stream_key TEXT PRIMARY KEY, state TEXT NOT NULL)",
];

const TABLES: Record<EngineStateKind, { table: string; key: string }> = {
  monitor: { table: "monitor_state", key: "monitor_id" },
  stream: { table: "stream_state", key: "stream_key" },
};

/**
 * A shard's monitors (a removed one keeps its row with a null definition, so an older version
 * in flight cannot come back) and the engine's saved states, in Durable Object SQLite.
 *
 * @example const monitors = sqliteMonitors(ctx.storage.sql); monitors.version("m1") // 0 if unknown
 */
export function sqliteMonitors(sql: SqlStorage): MonitorStore {
  for (const stmt of SCHEMA) sql.exec(stmt);
  return {
    definitions: () =>
      sql
        .exec<{ def: string }>("SELECT def FROM monitors WHERE def IS NOT NULL")
        .toArray()
        .map((r) => JSON.parse(r.def) as MonitorDefinition),

    identities(monitorIds) {
      const out = new Map<string, MonitorIdentity>();
      if (monitorIds.length === 0) return out;
      for (const { monitorId, ...identity } of sql.exec<MonitorIdentity & { monitorId: string }>(
        `SELECT monitor_id AS monitorId, def ->> '$.workflowId' AS workflowId, def ->> '$.ownerUserId' AS ownerUserId,
           def ->> '$.linkedPortfolioIds[0]' AS portfolioId FROM monitors
         WHERE monitor_id IN (SELECT value FROM json_each(?)) AND def IS NOT NULL`,
        JSON.stringify(monitorIds),
      )) {
        out.set(monitorId, identity);
      }
      return out;
    },

    version: (monitorId) =>
      sql.exec<{ version: number }>("SELECT version FROM monitors WHERE monitor_id = ?", monitorId).toArray()[0]
        ?.version ?? 0,

    put(monitorId, version, def) {
      sql.exec(
        `INSERT INTO monitors (monitor_id, version, def) VALUES (?, ?, ?)
         ON CONFLICT (monitor_id) DO UPDATE SET version = excluded.version, def = excluded.def`,
        monitorId,
        version,
        def ? JSON.stringify(def) : null,
      );
    },

    count: () => sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM monitors WHERE def IS NOT NULL").one().n,

    states(kind) {
      const { table, key } = TABLES[kind];
      const out = new Map<string, unknown>();
      for (const row of sql.exec<{ k: string; state: string }>(`SELECT ${key} AS k, state FROM ${table}`)) {
        out.set(row.k, JSON.parse(row.state));
      }
      return out;
    },

    /**
     * One statement per kind for upserts and one for deletes: the rows travel as one JSON array
     * through json_each, which costs far less than a statement per row (a checkpoint at a million
     * monitors writes thousands).
     */
    putStates(kind, entries) {
      const { table, key } = TABLES[kind];
      const upserts: [string, string][] = [];
      const deletes: string[] = [];
      for (const [k, state] of entries) {
        if (state === null) deletes.push(k);
        else upserts.push([k, JSON.stringify(state)]);
      }
      if (upserts.length > 0) {
        sql.exec(
          `INSERT INTO ${table} (${key}, state) SELECT value ->> 0, value ->> 1 FROM json_each(?) WHERE true
           ON CONFLICT (${key}) DO UPDATE SET state = excluded.state`,
          JSON.stringify(upserts),
        );
      }
      if (deletes.length > 0)
        sql.exec(`DELETE FROM ${table} WHERE ${key} IN (SELECT value FROM json_each(?))`, JSON.stringify(deletes));
    },
  };
}
