import type { OutboxRow, OutboxStore } from "./storage-port";

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS outbox (match_id TEXT PRIMARY KEY, body TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
     next_attempt_at INTEGER NOT NULL, published INTEGER NOT NULL DEFAULT 0, delivered_at INTEGER, last_error TEXT,
     created_at INTEGER NOT NULL)`,
  "CREATE INDEX IF NOT EXISTS outbox_due ON outbox (delivered_at, next_attempt_at)",
  "CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)",
];

/**
 * A shard's match outbox and counters in Durable Object SQLite. An entry is written in the same
 * transaction as the fact that caused it and stays until notify-trigger-match acknowledged it.
 *
 * @example const outbox = sqliteOutbox(ctx.storage.sql); outbox.due(Date.now(), 100)
 */
export function sqliteOutbox(sql: SqlStorage): OutboxStore {
  for (const stmt of SCHEMA) sql.exec(stmt);
  return {
    add(match, now) {
      sql.exec(
        "INSERT OR IGNORE INTO outbox (match_id, body, next_attempt_at, created_at) VALUES (?, ?, ?, ?)",
        match.matchId,
        JSON.stringify(match),
        now,
        now,
      );
    },

    due: (now, limit) =>
      sql
        .exec<OutboxRow>(
          `SELECT match_id, body, attempts, next_attempt_at, published, delivered_at, created_at FROM outbox
           WHERE delivered_at IS NULL AND next_attempt_at <= ? ORDER BY created_at, match_id LIMIT ?`,
          now,
          limit,
        )
        .toArray(),

    nextAttempt: () =>
      sql.exec<{ t: number | null }>("SELECT MIN(next_attempt_at) AS t FROM outbox WHERE delivered_at IS NULL").one()
        .t ?? undefined,

    // RETURNING counts the rows themselves (rowsWritten would count the due index's writes too).
    makeDue: (now) =>
      sql
        .exec(
          "UPDATE outbox SET next_attempt_at = ?, attempts = 0 WHERE delivered_at IS NULL AND next_attempt_at > ? RETURNING match_id",
          now,
          now,
        )
        .toArray().length,

    /** Two statements per round, whatever its size: which were published, and every notify outcome. */
    recordOutcomes(outcomes, published) {
      if (published.length > 0)
        sql.exec(
          "UPDATE outbox SET published = 1 WHERE match_id IN (SELECT value FROM json_each(?))",
          JSON.stringify(published),
        );
      if (outcomes.length === 0) return;
      sql.exec(
        `UPDATE outbox SET
           delivered_at = COALESCE(o.value ->> '$.deliveredAt', outbox.delivered_at),
           attempts = CASE WHEN o.value ->> '$.deliveredAt' IS NULL THEN o.value ->> '$.attempts' ELSE outbox.attempts END,
           next_attempt_at = CASE WHEN o.value ->> '$.deliveredAt' IS NULL THEN o.value ->> '$.nextAttemptAt'
             ELSE outbox.next_attempt_at END,
           last_error = o.value ->> '$.note'
         FROM json_each(?) AS o WHERE outbox.match_id = o.value ->> '$.matchId'`,
        JSON.stringify(outcomes.map((o) => ({ ...o, note: o.note === null ? null : o.note.slice(0, 500) }))),
      );
    },

    prune(before) {
      sql.exec("DELETE FROM outbox WHERE delivered_at IS NOT NULL AND delivered_at < ?", before);
    },

    backlog(now) {
      const row = sql
        .exec<{ n: number; oldest: number | null }>(
          "SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox WHERE delivered_at IS NULL",
        )
        .one();
      return { outboxBacklog: row.n, oldestUndeliveredAgeMs: row.oldest === null ? null : now - row.oldest };
    },

    bump(counters) {
      for (const [name, by] of Object.entries(counters)) {
        if (by)
          sql.exec(
            "INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = value + excluded.value",
            name,
            by,
          );
      }
    },

    counters() {
      const out: Record<string, number> = {};
      for (const row of sql.exec<{ name: string; value: number }>("SELECT name, value FROM counters"))
        out[row.name] = row.value;
      return out;
    },
  };
}
