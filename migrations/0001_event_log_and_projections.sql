-- Event log and projections (DESIGN §5). The projector appends each domain event to event_log and
-- updates the projections in the same D1 batch; every projection table can be rebuilt from
-- event_log alone into <name>__shadow tables and swapped in (projector/src/rebuild).
--
-- The projection tables' DDL must stay identical to projector/src/projections/schema.ts (a test
-- compares them): a rebuild creates its shadow tables from that file. After a rebuild, the live
-- tables carry that rebuild's index names (<index>__r<rebuildId>): SQLite keeps index names on
-- ALTER TABLE RENAME. A later migration touching an index must look it up by table, not by name.

-- The append-only log. seq is the commit order (AUTOINCREMENT: never reused, even after deletes).
CREATE TABLE event_log (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  aggregate_type TEXT NOT NULL,
  aggregate_id TEXT NOT NULL,
  aggregate_version INTEGER NOT NULL,
  occurred_at INTEGER NOT NULL,
  schema_version INTEGER NOT NULL,
  body TEXT NOT NULL
);
-- Loading one aggregate's history (the registry folds a monitor's events).
CREATE INDEX event_log_by_aggregate ON event_log (aggregate_type, aggregate_id, aggregate_version);

-- monitors: the highest-version definition per monitor. version = highest aggregateVersion seen
-- (a removal bumps it); definition_version = the version of `definition`. Queue reorder-safe.
CREATE TABLE monitors (
  monitor_id TEXT PRIMARY KEY,
  version INTEGER NOT NULL,
  definition_version INTEGER NOT NULL,
  definition TEXT,
  workflow_id TEXT,
  owner_user_id TEXT,
  enabled INTEGER NOT NULL,
  removed INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX monitors_by_workflow ON monitors (workflow_id);

-- monitor_state: counters and "latest" fields; latest = max by event time, tie-broken by id.
CREATE TABLE monitor_state (
  monitor_id TEXT PRIMARY KEY,
  match_count INTEGER NOT NULL DEFAULT 0,
  last_match_id TEXT,
  last_matched_at INTEGER,
  tick_count INTEGER NOT NULL DEFAULT 0,
  last_tick_id TEXT,
  last_tick_at INTEGER,
  last_tick_reason TEXT,
  next_due_at INTEGER
);
-- Due scan: WHERE next_due_at <= ? ORDER BY next_due_at.
CREATE INDEX monitor_state_by_next_due ON monitor_state (next_due_at) WHERE next_due_at IS NOT NULL;

-- trigger_matches: one row per matchId; body = the trigger_matched data as JSON.
CREATE TABLE trigger_matches (
  match_id TEXT PRIMARY KEY,
  monitor_id TEXT NOT NULL,
  monitor_version INTEGER NOT NULL,
  event_id TEXT NOT NULL,
  observed_at INTEGER NOT NULL,
  workflow_id TEXT NOT NULL,
  portfolio_id TEXT,
  stream_key TEXT NOT NULL,
  body TEXT NOT NULL
);
-- GET /v1/monitors/{id}/matches: event-time order, cursor (observed_at, match_id) of `after`.
CREATE INDEX trigger_matches_by_monitor_time ON trigger_matches (monitor_id, observed_at, match_id);

-- workflow_execution_refs: one row per id of an execution (ref_kind, ref_value) → its workflow.
-- ref_key names the execution (its first id, "kind:value"); execution_completed updates by it.
CREATE TABLE workflow_execution_refs (
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
);
CREATE INDEX workflow_execution_refs_by_key ON workflow_execution_refs (ref_key);
CREATE INDEX workflow_execution_refs_by_workflow ON workflow_execution_refs (workflow_id);

-- How far each projection has applied event_log (seq). Swapped with the projections on rebuild.
CREATE TABLE projection_checkpoints (
  projection TEXT PRIMARY KEY,
  last_seq INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

-- Rebuild runs (GET /v1/admin/projections/rebuild/{id}). At most one runs at a time: they share
-- the __shadow tables.
CREATE TABLE rebuilds (
  rebuild_id TEXT PRIMARY KEY,
  status TEXT NOT NULL CHECK (status IN ('running', 'complete', 'failed')),
  projections TEXT NOT NULL,
  events_applied INTEGER NOT NULL DEFAULT 0,
  last_seq INTEGER NOT NULL DEFAULT 0,
  started_at INTEGER NOT NULL,
  completed_at INTEGER,
  error TEXT
);
CREATE UNIQUE INDEX rebuilds_one_running ON rebuilds (status) WHERE status = 'running';

-- The swap batch inserts here first; the CHECK fails (and rolls back the whole batch, swap
-- included) when an event was logged after the rebuild's catch-up or the rebuild is not running.
CREATE TABLE rebuild_swap_guard (
  rebuild_id TEXT PRIMARY KEY,
  ok INTEGER NOT NULL CHECK (ok = 1),
  swapped_at INTEGER NOT NULL
);
