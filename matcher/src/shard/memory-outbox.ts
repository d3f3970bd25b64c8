import type { Match } from "../../../shared/src/contract/trigger-match";
import type { OutboxRow, OutboxStore } from "./storage-port";

/**
 * The shard's outbox and counters in memory (memory-storage.ts): same contract as sqlite-outbox.ts,
 * rows kept by matchId and scanned, since the tests and backtests that use it hold few.
 *
 * @example const outbox = new MemoryOutbox(); outbox.add(match, now); outbox.due(now, 100)
 */
export class MemoryOutbox implements OutboxStore {
  private rows = new Map<string, OutboxRow>();
  private totals = new Map<string, number>();

  save(): () => void {
    const rows = new Map(this.rows);
    const totals = new Map(this.totals);
    return () => Object.assign(this, { rows, totals });
  }

  add(match: Match, now: number): void {
    if (this.rows.has(match.matchId)) return;
    this.rows.set(match.matchId, {
      match_id: match.matchId,
      body: JSON.stringify(match),
      attempts: 0,
      next_attempt_at: now,
      published: 0,
      delivered_at: null,
      created_at: now,
    });
  }

  /** Every match recorded, in the order recorded (what a backtest or a test reads back). */
  matches(): Match[] {
    return [...this.rows.values()].map((r) => JSON.parse(r.body) as Match);
  }

  due(now: number, limit: number): OutboxRow[] {
    return [...this.rows.values()]
      .filter((r) => r.delivered_at === null && r.next_attempt_at <= now)
      .sort((a, b) => a.created_at - b.created_at || (a.match_id < b.match_id ? -1 : 1))
      .slice(0, limit);
  }

  nextAttempt(): number | undefined {
    const pending = [...this.rows.values()].filter((r) => r.delivered_at === null).map((r) => r.next_attempt_at);
    return pending.length > 0 ? Math.min(...pending) : undefined;
  }

  makeDue(now: number): number {
    const waiting = [...this.rows.values()].filter((r) => r.delivered_at === null && r.next_attempt_at > now);
    for (const r of waiting) this.rows.set(r.match_id, { ...r, next_attempt_at: now, attempts: 0 });
    return waiting.length;
  }

  recordOutcomes(outcomes: Parameters<OutboxStore["recordOutcomes"]>[0], published: string[]): void {
    for (const id of published) {
      const row = this.rows.get(id);
      if (row) this.rows.set(id, { ...row, published: 1 });
    }
    for (const o of outcomes) {
      const row = this.rows.get(o.matchId);
      if (!row) continue;
      this.rows.set(
        o.matchId,
        o.deliveredAt === null
          ? { ...row, attempts: o.attempts, next_attempt_at: o.nextAttemptAt }
          : { ...row, delivered_at: o.deliveredAt },
      );
    }
  }

  prune(before: number): void {
    for (const [id, r] of this.rows) if (r.delivered_at !== null && r.delivered_at < before) this.rows.delete(id);
  }

  backlog(now: number): { outboxBacklog: number; oldestUndeliveredAgeMs: number | null } {
    const waiting = [...this.rows.values()].filter((r) => r.delivered_at === null).map((r) => r.created_at);
    return {
      outboxBacklog: waiting.length,
      oldestUndeliveredAgeMs: waiting.length > 0 ? now - Math.min(...waiting) : null,
    };
  }

  bump(counters: Record<string, number>): void {
    for (const [name, by] of Object.entries(counters)) if (by) this.totals.set(name, (this.totals.get(name) ?? 0) + by);
  }

  counters(): Record<string, number> {
    return Object.fromEntries(this.totals);
  }
}
