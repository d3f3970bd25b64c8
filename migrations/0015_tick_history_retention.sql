-- Tick history retention (shared/src/projections/tick-history.ts, off unless
-- TICK_HISTORY_RETENTION_DAYS is set): where the last prune run stopped in event_log's
-- (occurred_at, seq) order, so the ticks it keeps for good (each monitor's newest) are read once.
-- It reads tick_executed events through event_log_by_type_time (migration 0013).
CREATE TABLE IF NOT EXISTS tick_prune_cursor (
  id INTEGER PRIMARY KEY CHECK (id = 0),
  occurred_at INTEGER NOT NULL,
  seq INTEGER NOT NULL
);
