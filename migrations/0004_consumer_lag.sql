-- How far behind each queue consumer was at its last batch (now − the oldest enqueue time of
-- the batch), for GET /v1/admin/stats. One row per queue, overwritten each batch.
CREATE TABLE IF NOT EXISTS consumer_lag (
  queue TEXT PRIMARY KEY,
  lag_ms INTEGER NOT NULL,
  batch_size INTEGER NOT NULL,
  at INTEGER NOT NULL
);
