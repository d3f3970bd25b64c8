-- Dead letters are paged oldest first by the order they were recorded (`seq`, per queue), not by
-- `failed_at`: a message a consumer gave up on can reach the DLQ consumer after later failures of
-- other messages, and a cursor on failed_at would then skip it. seq only grows, so a reader paging
-- through a queue sees every dead letter recorded before it reaches the end, and later ones after.
ALTER TABLE dead_letters ADD COLUMN seq INTEGER;
-- Rows recorded before this column: their rowid is their recording order.
UPDATE dead_letters SET seq = rowid WHERE seq IS NULL;
CREATE UNIQUE INDEX IF NOT EXISTS dead_letters_queue_seq ON dead_letters (source_queue, seq);
-- Every insert (the DLQ consumers', an operator's or a test's SQL) gets the next seq of its queue.
CREATE TRIGGER IF NOT EXISTS dead_letters_next_seq AFTER INSERT ON dead_letters WHEN NEW.seq IS NULL
BEGIN
  UPDATE dead_letters SET seq = COALESCE(
    (SELECT seq FROM dead_letters WHERE source_queue = NEW.source_queue AND seq IS NOT NULL ORDER BY seq DESC LIMIT 1),
    0) + 1
  WHERE id = NEW.id;
END;
