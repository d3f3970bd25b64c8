import { DurableObject } from "cloudflare:workers";
import { type DedupeEntry, type DedupeOutcome, decideReservation, type LedgerRow } from "./dedupe-rules";

/**
 * One idempotency ledger per (producer, shard): remembers which dedupeKeys were accepted and with
 * which eventId. A push reserves its keys (all or nothing), enqueues, then settles: commit keeps
 * them, release frees them while keeping their eventIds, so a retry after a failed enqueue reuses
 * the same eventIds and the matcher's eventId dedupe absorbs anything a partial enqueue let through.
 * The Durable Object is single-threaded and its SQLite writes are synchronous, so a reservation
 * cannot interleave with another; that is what makes idempotency hold across isolates and restarts.
 */
export class DedupeLedger extends DurableObject {
  private ready = false;

  private ensureSchema(): void {
    if (this.ready) return;
    this.ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS ledger (
      dedupe_key TEXT PRIMARY KEY, event_id TEXT NOT NULL, state TEXT NOT NULL,
      request_id TEXT NOT NULL, lease_until INTEGER NOT NULL, created_at INTEGER NOT NULL,
      content_digest TEXT)`);
    // Ledgers created before content digests were kept gain the column; their rows stay NULL (unknown).
    const columns = this.ctx.storage.sql.exec<{ name: string }>("PRAGMA table_info(ledger)").toArray();
    if (!columns.some((c) => c.name === "content_digest")) {
      this.ctx.storage.sql.exec("ALTER TABLE ledger ADD COLUMN content_digest TEXT");
    }
    this.ctx.storage.sql.exec("CREATE INDEX IF NOT EXISTS ledger_created ON ledger (created_at)");
    this.ready = true;
  }

  /** Reserves every key for this request, or none of them (`busy`) when another request holds one. */
  async reserve(requestId: string, entries: DedupeEntry[], leaseMs: number, ttlMs: number): Promise<DedupeOutcome> {
    this.ensureSchema();
    const now = Date.now();
    const rows = new Map<string, LedgerRow>();
    for (const e of entries) {
      const row = this.ctx.storage.sql
        .exec<LedgerRow>(
          "SELECT dedupe_key, event_id, state, request_id, lease_until, content_digest FROM ledger WHERE dedupe_key = ?",
          e.key,
        )
        .toArray()[0];
      if (row) rows.set(e.key, row);
    }
    const outcome = decideReservation(requestId, entries, rows, now);
    if (outcome.busy) return outcome;
    const digestOf = new Map(entries.map((e) => [e.key, e.digest ?? null]));
    for (const r of outcome.results) {
      if (r.status !== "new") continue;
      // A released key's new content replaces the old digest: this request's fact is what gets recorded.
      this.ctx.storage.sql.exec(
        `INSERT INTO ledger (dedupe_key, event_id, state, request_id, lease_until, created_at, content_digest)
         VALUES (?, ?, 'pending', ?, ?, ?, ?)
         ON CONFLICT (dedupe_key) DO UPDATE SET state = 'pending', request_id = excluded.request_id,
           lease_until = excluded.lease_until, created_at = excluded.created_at,
           content_digest = excluded.content_digest`,
        r.key,
        r.eventId,
        requestId,
        now + leaseMs,
        now,
        digestOf.get(r.key) ?? null,
      );
    }
    await this.scheduleCleanup(ttlMs);
    return outcome;
  }

  /** Commits (enqueue succeeded) or releases (enqueue failed) this request's reservations. */
  async settle(requestId: string, committed: boolean): Promise<void> {
    this.ensureSchema();
    this.ctx.storage.sql.exec(
      "UPDATE ledger SET state = ?, lease_until = 0 WHERE request_id = ? AND state = 'pending'",
      committed ? "committed" : "released",
      requestId,
    );
  }

  private async scheduleCleanup(ttlMs: number): Promise<void> {
    await this.ctx.storage.put("ttlMs", ttlMs);
    if ((await this.ctx.storage.getAlarm()) === null)
      await this.ctx.storage.setAlarm(Date.now() + Math.min(ttlMs, 3_600_000));
  }

  /** Forgets keys older than the TTL; a producer retrying later than that is a new push. */
  override async alarm(): Promise<void> {
    this.ensureSchema();
    const ttlMs = (await this.ctx.storage.get<number>("ttlMs")) ?? 7 * 86_400_000;
    this.ctx.storage.sql.exec("DELETE FROM ledger WHERE created_at < ? AND state != 'pending'", Date.now() - ttlMs);
    const left = this.ctx.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM ledger").one().n;
    if (left > 0) await this.ctx.storage.setAlarm(Date.now() + Math.min(ttlMs, 3_600_000));
  }
}
