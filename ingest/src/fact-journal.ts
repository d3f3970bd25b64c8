import { DurableObject } from "cloudflare:workers";
import type { FactJournalRpc } from "../../shared/src/contract/shard-rpc";

/**
 * The fact journal: every accepted facts message is written here (SQLite, durable) before the
 * producer gets its 202, and stays until the matcher acknowledges that it applied it. The alarm
 * re-sends entries that are not acknowledged in time. So an accepted fact survives anything that
 * loses a queue message — a local runtime killed with its queue in memory, a message that ran out
 * of retries — and is applied once, because shards drop facts whose eventId they already hold.
 */
export type JournalEnv = { FACTS_QUEUE: Queue<Uint8Array>; JOURNAL_REDELIVER_MS?: string };

export class FactJournal extends DurableObject<JournalEnv> implements FactJournalRpc {
  private ready = false;
  /** An alarm is known to be set (reading it back on every append was a storage call per push). */
  private alarmArmed = false;

  private ensure(): void {
    if (this.ready) return;
    this.ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS entries (id TEXT PRIMARY KEY, body BLOB NOT NULL,
      created_at INTEGER NOT NULL, next_send_at INTEGER NOT NULL, sends INTEGER NOT NULL DEFAULT 1)`);
    this.ctx.storage.sql.exec("CREATE INDEX IF NOT EXISTS entries_next ON entries (next_send_at)");
    this.ready = true;
  }

  private redeliverMs(): number {
    return Math.max(1000, Number(this.env.JOURNAL_REDELIVER_MS ?? 30_000) || 30_000);
  }

  /** Records messages about to be enqueued (idempotent by id). */
  async append(entries: { id: string; body: Uint8Array }[]): Promise<void> {
    this.ensure();
    const now = Date.now();
    for (const e of entries) {
      this.ctx.storage.sql.exec(
        "INSERT OR IGNORE INTO entries (id, body, created_at, next_send_at) VALUES (?, ?, ?, ?)",
        e.id,
        e.body,
        now,
        now + this.redeliverMs(),
      );
    }
    if (this.alarmArmed) return;
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(now + this.redeliverMs());
    this.alarmArmed = true;
  }

  /** The matcher applied these messages (or the push failed and recorded nothing): forget them. */
  async ack(ids: string[]): Promise<void> {
    this.ensure();
    this.ctx.storage.sql.exec("DELETE FROM entries WHERE id IN (SELECT value FROM json_each(?))", JSON.stringify(ids));
  }

  async pending(): Promise<{ count: number; oldestAgeMs: number | null }> {
    this.ensure();
    const row = this.ctx.storage.sql
      .exec<{ n: number; oldest: number | null }>("SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM entries")
      .one();
    return { count: row.n, oldestAgeMs: row.oldest === null ? null : Date.now() - row.oldest };
  }

  /** Re-sends what was not acknowledged in time, with a growing interval, then re-arms. */
  override async alarm(): Promise<void> {
    this.ensure();
    this.alarmArmed = false;
    const now = Date.now();
    const due = this.ctx.storage.sql
      .exec<{ id: string; body: ArrayBuffer; sends: number }>(
        "SELECT id, body, sends FROM entries WHERE next_send_at <= ? ORDER BY created_at LIMIT 100",
        now,
      )
      .toArray();
    if (due.length > 0) {
      await this.env.FACTS_QUEUE.sendBatch(
        due.map((d) => ({ body: new Uint8Array(d.body), contentType: "v8" as const })),
      );
      for (const d of due) {
        const next = now + this.redeliverMs() * Math.min(16, 2 ** d.sends);
        this.ctx.storage.sql.exec("UPDATE entries SET sends = sends + 1, next_send_at = ? WHERE id = ?", next, d.id);
      }
      console.log(
        JSON.stringify({ level: "warn", msg: "journal re-sent unacknowledged facts messages", count: due.length }),
      );
    }
    const next = this.ctx.storage.sql.exec<{ t: number | null }>("SELECT MIN(next_send_at) AS t FROM entries").one().t;
    if (next !== null) {
      await this.ctx.storage.setAlarm(Math.max(next, Date.now() + 100));
      this.alarmArmed = true;
    }
  }
}
