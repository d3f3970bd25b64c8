-- The wake path's backlog, for GET /v1/admin/stats: wake-ups that notify-trigger-matches accepted
-- onto Queue "wakes", those the paced consumer has handed to their sessions (or dead-lettered),
-- and the consumer's pacing (its creation rate, and until when a 429 holds it back).
CREATE TABLE IF NOT EXISTS wake_backlog (
  id INTEGER PRIMARY KEY CHECK (id = 0),
  accepted INTEGER NOT NULL DEFAULT 0,
  delivered INTEGER NOT NULL DEFAULT 0,
  -- Creations the platform refused for their rate (429), each retried after the pacer's hold.
  rate_limited INTEGER NOT NULL DEFAULT 0,
  rate_per_s REAL,
  held_until INTEGER,
  at INTEGER
);
INSERT OR IGNORE INTO wake_backlog (id) VALUES (0);
