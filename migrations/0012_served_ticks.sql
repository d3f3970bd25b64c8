-- A coalesced wake's tick acts on the matches of several monitors of one workflow but was counted
-- only for the monitor it was recorded for: the others read as matched and never woken. Each of
-- them now counts it as a served tick (shared/src/projections/monitor-state.ts), in columns of its
-- own so that only a monitor's own ticks move its next_due_at. Reads add the two (read-model.ts).
-- Ticks projected before this migration fill these columns only on a rebuild.
-- The columns come last, as shared/src/projections/schema.ts declares them.
ALTER TABLE monitor_state ADD COLUMN served_tick_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE monitor_state ADD COLUMN last_served_tick_id TEXT;
ALTER TABLE monitor_state ADD COLUMN last_served_tick_at INTEGER;
ALTER TABLE monitor_state ADD COLUMN last_served_tick_reason TEXT;
