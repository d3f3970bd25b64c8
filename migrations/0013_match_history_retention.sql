-- Match history retention (shared/src/projections/match-history.ts). The cron finds the oldest
-- trigger_matched events by event time through the first index instead of scanning event_log, and
-- every event of a pruned matchId (a match re-emitted under another eventId) through the second,
-- so that a rebuild from what is left finds none of the pruned matches. The expression must stay
-- exactly as match-history.ts writes it, or SQLite does not use the index.
CREATE INDEX IF NOT EXISTS event_log_by_type_time ON event_log (type, occurred_at);
CREATE INDEX IF NOT EXISTS event_log_by_match ON event_log (json_extract(body, '$.data.matchId')) WHERE type = 'trigger_matched';
