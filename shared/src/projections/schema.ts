import type { ProjectionTable } from "./sql";

/**
 * DDL of the projection tables, by table name, so a rebuild can create `<name>__shadow` with the
 * same schema and indexes as the live table. migrations/0001 holds the same text for the live
 * names; a test checks that the two never drift apart.
 *
 * Index names take a tag: a shadow's indexes are renamed with its table at swap time (SQLite
 * keeps index names on ALTER TABLE RENAME), so each rebuild tags its own to avoid clashing with
 * the live table's current ones.
 *
 * @example projectionDdl(SHADOW.names, "__r01jd…") // CREATE TABLE monitors__shadow …
 */
export type Ddl = { sql: string; readIndex?: true };

/**
 * `readIndex` marks indexes only reads use (no projection statement looks rows up through them):
 * a rebuild creates them after the bulk load, which is cheaper than maintaining them row by row.
 */
export function projectionDdl(t: Record<ProjectionTable, string>, tag = ""): Ddl[] {
  const read = (sql: string): Ddl => ({ sql, readIndex: true });
  const load = (sql: string): Ddl => ({ sql });
  return [
    load(`CREATE TABLE ${t.monitors} (
  monitor_id TEXT PRIMARY KEY,
  version INTEGER NOT NULL,
  definition_version INTEGER NOT NULL,
  definition TEXT,
  workflow_id TEXT,
  owner_user_id TEXT,
  enabled INTEGER NOT NULL,
  removed INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  expires_at INTEGER,
  expired_version INTEGER NOT NULL DEFAULT 0
)`),
    // Ticks without monitorId resolve their monitors through it; GET /v1/monitors?workflowId= pages
    // through it in monitorId order (migrations/0008).
    load(`CREATE INDEX monitors_by_workflow${tag} ON ${t.monitors} (workflow_id, monitor_id)`),
    // GET /v1/monitors?ownerUserId= pages through it in monitorId order (migrations/0008).
    read(`CREATE INDEX monitors_by_owner${tag} ON ${t.monitors} (owner_user_id, monitor_id)`),
    // The expiry scan: monitors past expiresAt whose monitor_expired is not yet recorded.
    read(
      `CREATE INDEX monitors_expiring${tag} ON ${t.monitors} (expires_at) WHERE expires_at IS NOT NULL AND removed = 0 AND expired_version < definition_version`,
    ),
    // Part of the monitors projection (monitor-streams.ts): the streams each definition reads.
    load(`CREATE TABLE ${t.monitor_streams} (
  monitor_id TEXT NOT NULL,
  stream_key TEXT NOT NULL,
  definition_version INTEGER NOT NULL,
  PRIMARY KEY (monitor_id, stream_key)
)`),
    // GET /v1/monitors?stream= pages through it in monitorId order (migrations/0009).
    read(`CREATE INDEX monitor_streams_by_stream${tag} ON ${t.monitor_streams} (stream_key, monitor_id)`),
    load(`CREATE TABLE ${t.monitor_state} (
  monitor_id TEXT PRIMARY KEY,
  match_count INTEGER NOT NULL DEFAULT 0,
  last_match_id TEXT,
  last_matched_at INTEGER,
  tick_count INTEGER NOT NULL DEFAULT 0,
  last_tick_id TEXT,
  last_tick_at INTEGER,
  last_tick_reason TEXT,
  next_due_at INTEGER,
  stopped INTEGER NOT NULL DEFAULT 0,
  served_tick_count INTEGER NOT NULL DEFAULT 0,
  last_served_tick_id TEXT,
  last_served_tick_at INTEGER,
  last_served_tick_reason TEXT
)`),
    // The due scan: only monitors that can be due (migrations/0010).
    read(
      `CREATE INDEX monitor_state_by_next_due${tag} ON ${t.monitor_state} (next_due_at) WHERE next_due_at IS NOT NULL AND stopped = 0`,
    ),
    load(`CREATE TABLE ${t.trigger_matches} (
  match_id TEXT PRIMARY KEY,
  monitor_id TEXT NOT NULL,
  monitor_version INTEGER NOT NULL,
  event_id TEXT NOT NULL,
  observed_at INTEGER NOT NULL,
  workflow_id TEXT NOT NULL,
  portfolio_id TEXT,
  stream_key TEXT NOT NULL,
  body TEXT NOT NULL
)`),
    read(
      `CREATE INDEX trigger_matches_by_monitor_time${tag} ON ${t.trigger_matches} (monitor_id, observed_at, match_id)`,
    ),
    load(`CREATE TABLE ${t.workflow_execution_refs} (
  ref_kind TEXT NOT NULL CHECK (ref_kind IN ('operationId', 'runId', 'executionRequestId', 'eventId')),
  ref_value TEXT NOT NULL,
  workflow_id TEXT NOT NULL,
  portfolio_id TEXT,
  ref_key TEXT NOT NULL,
  recorded_at INTEGER,
  recorded_event_id TEXT,
  status TEXT NOT NULL,
  completed_at INTEGER,
  completed_event_id TEXT,
  PRIMARY KEY (ref_kind, ref_value)
)`),
    // Completions update every row of an execution through it.
    load(`CREATE INDEX workflow_execution_refs_by_key${tag} ON ${t.workflow_execution_refs} (ref_key)`),
    read(`CREATE INDEX workflow_execution_refs_by_workflow${tag} ON ${t.workflow_execution_refs} (workflow_id)`),
    load(`CREATE TABLE ${t.projection_checkpoints} (
  projection TEXT PRIMARY KEY,
  last_seq INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
)`),
  ];
}
