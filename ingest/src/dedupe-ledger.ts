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
  private cleanupTtlMs: number | undefined;
  private alarmSet = false;

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

  /**
   * Reserves every key for this request, or none of them (`busy`) when another request holds one.
   * One statement reads the keys' rows and one writes the new ones, whatever the batch size: a push
   * carries up to 1,000 keys, and a statement per key made the ledger most of a push's cost.
   */
  async reserve(requestId: string, entries: DedupeEntry[], leaseMs: number, ttlMs: number): Promise<DedupeOutcome> {
    this.ensureSchema();
    const now = Date.now();
    const found = this.ctx.storage.sql
      .exec<LedgerRow>(
        `SELECT dedupe_key, event_id, state, request_id, lease_until, content_digest FROM ledger
         WHERE dedupe_key IN (SELECT value FROM json_each(?))`,
        JSON.stringify(entries.map((e) => e.key)),
      )
      .toArray();
    const outcome = decideReservation(requestId, entries, new Map(found.map((r) => [r.dedupe_key, r])), now);
    if (outcome.busy) return outcome;
    const digestOf = new Map(entries.map((e) => [e.key, e.digest ?? null]));
    const fresh = outcome.results
      .filter((r) => r.status === "new")
      .map((r) => [r.key, r.eventId, digestOf.get(r.key) ?? null]);
    if (fresh.length > 0) {
      // A released key's new content replaces the old digest: this request's fact is what gets recorded.
      this.ctx.storage.sql.exec(
        `INSERT INTO ledger (dedupe_key, event_id, state, request_id, lease_until, created_at, content_digest)
         SELECT value ->> 0, value ->> 1, 'pending', ?, ?, ?, value ->> 2 FROM json_each(?) WHERE true
         ON CONFLICT (dedupe_key) DO UPDATE SET state = 'pending', request_id = excluded.request_id,
           lease_until = excluded.lease_until, created_at = excluded.created_at,
           content_digest = excluded.content_digest`,
        requestId,
        now + leaseMs,
        now,
        JSON.stringify(fresh),
      );
    }
    await this.scheduleCleanup(ttlMs);
    return outcome;
  }

  /**
   * Commits (enqueue succeeded) or releases (enqueue failed) this request's reservations. `keys`
   * (the ones it reserved here) finds them by primary key; without them every row is scanned.
   */
  async settle(requestId: string, committed: boolean, keys?: string[]): Promise<void> {
    this.ensureSchema();
    const state = committed ? "committed" : "released";
    if (keys) {
      this.ctx.storage.sql.exec(
        `UPDATE ledger SET state = ?, lease_until = 0
         WHERE dedupe_key IN (SELECT value FROM json_each(?)) AND request_id = ? AND state = 'pending'`,
        state,
        JSON.stringify(keys),
        requestId,
      );
      return;
    }
    this.ctx.storage.sql.exec(
      "UPDATE ledger SET state = ?, lease_until = 0 WHERE request_id = ? AND state = 'pending'",
      state,
      requestId,
    );
  }

  /** The TTL and the cleanup alarm, written only when they change (not on every reservation). */
  private async scheduleCleanup(ttlMs: number): Promise<void> {
    if (this.cleanupTtlMs !== ttlMs) {
      await this.ctx.storage.put("ttlMs", ttlMs);
      this.cleanupTtlMs = ttlMs;
    }
    if (this.alarmSet) return;
    if ((await this.ctx.storage.getAlarm()) === null)
      await this.ctx.storage.setAlarm(Date.now() + Math.min(ttlMs, 3_600_000));
    this.alarmSet = true;
  }

  /**
   * Forgets keys older than the TTL; a producer retrying later than that is a new push. A key still
   * pending past the TTL with its lease run out belongs to a push that died before settling: it is
   * forgotten too (its retry would be a new push by then anyway), or it would stay forever.
   */
  override async alarm(): Promise<void> {
    this.ensureSchema();
    const ttlMs = (await this.ctx.storage.get<number>("ttlMs")) ?? 7 * 86_400_000;
    const now = Date.now();
    this.ctx.storage.sql.exec(
      "DELETE FROM ledger WHERE created_at < ? AND (state != 'pending' OR lease_until < ?)",
      now - ttlMs,
      now,
    );
    const left = this.ctx.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM ledger").one().n;
    this.alarmSet = left > 0;
    if (left > 0) await this.ctx.storage.setAlarm(Date.now() + Math.min(ttlMs, 3_600_000));
  }
}
