-- Dead letters of every queue consumer (facts, events), with the reason they were set aside.
-- Replaying re-sends the original body to its source queue; consumers are idempotent, so a
-- replay (or a replay repeated) applies nothing twice.
CREATE TABLE IF NOT EXISTS dead_letters (
  id TEXT PRIMARY KEY,
  source_queue TEXT NOT NULL,
  reason TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  body TEXT NOT NULL,
  failed_at INTEGER NOT NULL,
  replayed_at INTEGER,
  replay_count INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS dead_letters_queue ON dead_letters (source_queue, failed_at);
