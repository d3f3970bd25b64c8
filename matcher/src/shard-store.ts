import { readField } from "../../shared/src/fact-values";
import type { AcceptedFact } from "../../shared/src/facts";
import type { MonitorDefinition } from "../../shared/src/monitor";
import type { Match, Sample } from "./engine/types";

/**
 * A shard's SQLite storage: its fact log, its monitors, the engine's persisted state and the match
 * outbox. Every method is synchronous (Durable Object SQLite), so a batch's writes can all sit in
 * one `transactionSync`.
 */
export type OutboxRow = {
  match_id: string;
  body: string;
  attempts: number;
  next_attempt_at: number;
  published: number;
  delivered_at: number | null;
  created_at: number;
};

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS facts (seq INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL UNIQUE,
     stream_key TEXT NOT NULL, observed_at INTEGER NOT NULL, stale INTEGER NOT NULL, received_at INTEGER NOT NULL, fact TEXT NOT NULL)`,
  "CREATE INDEX IF NOT EXISTS facts_stream ON facts (stream_key, seq)",
  "CREATE INDEX IF NOT EXISTS facts_received ON facts (received_at)",
  "CREATE TABLE IF NOT EXISTS monitors (monitor_id TEXT PRIMARY KEY, version INTEGER NOT NULL, def TEXT)",
  "CREATE TABLE IF NOT EXISTS monitor_state (monitor_id TEXT PRIMARY KEY, state TEXT NOT NULL)",
  "CREATE TABLE IF NOT EXISTS stream_state (stream_key TEXT PRIMARY KEY, state TEXT NOT NULL)",
  `CREATE TABLE IF NOT EXISTS outbox (match_id TEXT PRIMARY KEY, body TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
     next_attempt_at INTEGER NOT NULL, published INTEGER NOT NULL DEFAULT 0, delivered_at INTEGER, last_error TEXT,
     created_at INTEGER NOT NULL)`,
  "CREATE INDEX IF NOT EXISTS outbox_due ON outbox (delivered_at, next_attempt_at)",
  "CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)",
];

export class ShardStore {
  constructor(private readonly sql: SqlStorage) {
    for (const stmt of SCHEMA) sql.exec(stmt);
  }

  hasFact(eventId: string): boolean {
    return this.sql.exec("SELECT 1 FROM facts WHERE event_id = ?", eventId).toArray().length > 0;
  }

  appendFact(fact: AcceptedFact, stale: boolean, now: number): void {
    this.sql.exec(
      "INSERT INTO facts (event_id, stream_key, observed_at, stale, received_at, fact) VALUES (?, ?, ?, ?, ?, ?)",
      fact.eventId,
      fact.streamKey,
      fact.observedAt,
      stale ? 1 : 0,
      now,
      JSON.stringify(fact),
    );
  }

  /** The applied samples of a series from the newest one at or before `from` (engine history back-fill). */
  history(streamKey: string, field: string, from: number): Sample[] {
    const rows = this.sql
      .exec<{ fact: string }>("SELECT fact FROM facts WHERE stream_key = ? AND stale = 0 ORDER BY seq", streamKey)
      .toArray();
    const samples: Sample[] = [];
    for (const row of rows) {
      const fact = JSON.parse(row.fact) as AcceptedFact;
      const value = readField(fact, field);
      if (value !== undefined) samples.push({ observedAt: fact.observedAt, value });
    }
    let start = 0;
    for (let i = 0; i < samples.length; i++) if ((samples[i]?.observedAt ?? 0) <= from) start = i;
    return samples.slice(start);
  }

  /** Facts of some streams in log order, optionally within an event-time range (backtests, exports). */
  factsOf(streamKeys: string[], from = Number.NEGATIVE_INFINITY, to = Number.POSITIVE_INFINITY): AcceptedFact[] {
    const out: AcceptedFact[] = [];
    const placeholders = streamKeys.map(() => "?").join(",");
    if (!placeholders) return out;
    for (const row of this.sql.exec<{ fact: string; observed_at: number }>(
      `SELECT fact, observed_at FROM facts WHERE stream_key IN (${placeholders}) ORDER BY seq`,
      ...streamKeys,
    )) {
      if (row.observed_at >= from && row.observed_at <= to) out.push(JSON.parse(row.fact) as AcceptedFact);
    }
    return out;
  }

  monitors(): MonitorDefinition[] {
    return this.sql
      .exec<{ def: string | null }>("SELECT def FROM monitors WHERE def IS NOT NULL")
      .toArray()
      .map((r) => JSON.parse(r.def ?? "null") as MonitorDefinition);
  }

  monitorVersion(monitorId: string): number {
    return (
      this.sql.exec<{ version: number }>("SELECT version FROM monitors WHERE monitor_id = ?", monitorId).toArray()[0]
        ?.version ?? 0
    );
  }

  /** def null = removed at that version (kept so an older in-flight version cannot come back). */
  putMonitor(monitorId: string, version: number, def: MonitorDefinition | null): void {
    this.sql.exec(
      "INSERT INTO monitors (monitor_id, version, def) VALUES (?, ?, ?) ON CONFLICT (monitor_id) DO UPDATE SET version = excluded.version, def = excluded.def",
      monitorId,
      version,
      def ? JSON.stringify(def) : null,
    );
  }

  states(table: "monitor_state" | "stream_state"): Map<string, unknown> {
    const key = table === "monitor_state" ? "monitor_id" : "stream_key";
    const out = new Map<string, unknown>();
    for (const row of this.sql.exec<{ k: string; state: string }>(`SELECT ${key} AS k, state FROM ${table}`)) {
      out.set(row.k, JSON.parse(row.state));
    }
    return out;
  }

  putStates(table: "monitor_state" | "stream_state", entries: [string, unknown][]): void {
    const key = table === "monitor_state" ? "monitor_id" : "stream_key";
    for (const [k, state] of entries) {
      if (state === null) this.sql.exec(`DELETE FROM ${table} WHERE ${key} = ?`, k);
      else
        this.sql.exec(
          `INSERT INTO ${table} (${key}, state) VALUES (?, ?) ON CONFLICT (${key}) DO UPDATE SET state = excluded.state`,
          k,
          JSON.stringify(state),
        );
    }
  }

  addToOutbox(match: Match, now: number): void {
    this.sql.exec(
      "INSERT OR IGNORE INTO outbox (match_id, body, next_attempt_at, created_at) VALUES (?, ?, ?, ?)",
      match.matchId,
      JSON.stringify(match),
      now,
      now,
    );
  }

  dueOutbox(now: number, limit: number): OutboxRow[] {
    return this.sql
      .exec<OutboxRow>(
        "SELECT match_id, body, attempts, next_attempt_at, published, delivered_at, created_at FROM outbox WHERE delivered_at IS NULL AND next_attempt_at <= ? ORDER BY created_at, match_id LIMIT ?",
        now,
        limit,
      )
      .toArray();
  }

  nextOutboxAttempt(): number | undefined {
    return (
      this.sql
        .exec<{ t: number | null }>("SELECT MIN(next_attempt_at) AS t FROM outbox WHERE delivered_at IS NULL")
        .one().t ?? undefined
    );
  }

  markPublished(matchIds: string[]): void {
    for (const id of matchIds) this.sql.exec("UPDATE outbox SET published = 1 WHERE match_id = ?", id);
  }

  markDelivered(matchId: string, now: number, note: string | null): void {
    this.sql.exec("UPDATE outbox SET delivered_at = ?, last_error = ? WHERE match_id = ?", now, note, matchId);
  }

  markRetry(matchId: string, attempts: number, nextAt: number, error: string): void {
    this.sql.exec(
      "UPDATE outbox SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE match_id = ?",
      attempts,
      nextAt,
      error.slice(0, 500),
      matchId,
    );
  }

  bump(counters: Record<string, number>): void {
    for (const [name, by] of Object.entries(counters)) {
      if (by)
        this.sql.exec(
          "INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = value + excluded.value",
          name,
          by,
        );
    }
  }

  stats(now: number): Record<string, number | null> {
    const out: Record<string, number | null> = {};
    for (const row of this.sql.exec<{ name: string; value: number }>("SELECT name, value FROM counters"))
      out[row.name] = row.value;
    const backlog = this.sql
      .exec<{ n: number; oldest: number | null }>(
        "SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox WHERE delivered_at IS NULL",
      )
      .one();
    out.outboxBacklog = backlog.n;
    out.oldestUndeliveredAgeMs = backlog.oldest === null ? null : now - backlog.oldest;
    out.monitors = this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM monitors WHERE def IS NOT NULL").one().n;
    out.factLogSize = this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM facts").one().n;
    return out;
  }

  /** Retention: forget facts received before `before`, and matches delivered before it. */
  prune(before: number): void {
    this.sql.exec("DELETE FROM facts WHERE received_at < ?", before);
    this.sql.exec("DELETE FROM outbox WHERE delivered_at IS NOT NULL AND delivered_at < ?", before);
  }
}
