-- The due scan walked past every stopped monitor on each cron run: removed, disabled and expired
-- monitors keep the next_due_at of their last tick, at the front of the next_due_at index. The
-- projection now keeps monitor_state.stopped (a function of the monitors row:
-- shared/src/projections/monitor-state.ts) and the index holds only rows with stopped = 0.
-- The column comes last, as shared/src/projections/schema.ts declares it.
ALTER TABLE monitor_state ADD COLUMN stopped INTEGER NOT NULL DEFAULT 0;
UPDATE monitor_state SET stopped = COALESCE((SELECT removed = 1 OR enabled = 0 OR expired_version >= definition_version
  FROM monitors WHERE monitors.monitor_id = monitor_state.monitor_id), 0);
-- DROP by name misses an index a rebuild renamed (monitor_state_by_next_due__r<id>): that one stays
-- beside the new one until the next rebuild replaces the table, harmless and still correct.
DROP INDEX IF EXISTS monitor_state_by_next_due;
CREATE INDEX monitor_state_by_next_due ON monitor_state (next_due_at) WHERE next_due_at IS NOT NULL AND stopped = 0;
