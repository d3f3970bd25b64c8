-- A queue consumer's failing batches, for GET /v1/admin/stats (`projector`): consumer_lag is written
-- only after a batch succeeds, so a consumer whose every batch fails would show nothing but an ever
-- older "last batch at". One row per queue; failing_since is cleared by the next batch that succeeds.
CREATE TABLE IF NOT EXISTS consumer_failures (
  queue TEXT PRIMARY KEY,
  failing_since INTEGER,
  failed_batches INTEGER NOT NULL DEFAULT 0,
  last_failure_at INTEGER NOT NULL,
  last_error TEXT NOT NULL,
  last_attempts INTEGER NOT NULL
);
