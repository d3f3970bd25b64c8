import { readField } from "../../shared/src/fact-values";
import type { AcceptedFact } from "../../shared/src/facts";
import type { MonitorDefinition } from "../../shared/src/monitor";
import type { Match, MatchCore, MonitorIdentity, Sample } from "./engine/types";

/**
 * A shard's SQLite storage: its fact log, its monitors, the engine's persisted state and the match
 * outbox. Every method is synchronous (Durable Object SQLite), so a batch's writes can all sit in
 * one `transactionSync`.
 *
 * The fact log is written in arrival order (seq) with no per-stream index: a batch's facts spread
 * over many streams, and an index on the stream put each of them on a different B-tree page, so a
 * 100-fact batch wrote ~100 pages (most of the shard's commit). Which facts belong to a stream is
 * recorded once per checkpoint instead (`stream_segments`: per stream, the seqs it got since the
 * previous checkpoint), and the few facts after the last checkpoint are found by scanning them.
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
  // Per stream, the seqs (a JSON array) of the facts it got between two checkpoints.
  `CREATE TABLE IF NOT EXISTS stream_segments (stream_key TEXT NOT NULL, first_seq INTEGER NOT NULL,
     last_seq INTEGER NOT NULL, seqs TEXT NOT NULL, PRIMARY KEY (stream_key, first_seq)) WITHOUT ROWID`,
  "CREATE TABLE IF NOT EXISTS monitors (monitor_id TEXT PRIMARY KEY, version INTEGER NOT NULL, def TEXT)",
  "CREATE TABLE IF NOT EXISTS monitor_state (monitor_id TEXT PRIMARY KEY, state TEXT NOT NULL)",
  "CREATE TABLE IF NOT EXISTS stream_state (stream_key TEXT PRIMARY KEY, state TEXT NOT NULL)",
  `CREATE TABLE IF NOT EXISTS outbox (match_id TEXT PRIMARY KEY, body TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
     next_attempt_at INTEGER NOT NULL, published INTEGER NOT NULL DEFAULT 0, delivered_at INTEGER, last_error TEXT,
     created_at INTEGER NOT NULL)`,
  "CREATE INDEX IF NOT EXISTS outbox_due ON outbox (delivered_at, next_attempt_at)",
  "CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)",
  // The fact-log position (seq) the saved engine states reflect (engine/checkpoint.ts).
  "CREATE TABLE IF NOT EXISTS checkpoint (id INTEGER PRIMARY KEY CHECK (id = 0), seq INTEGER NOT NULL)",
];

/** A bound above every seq (SQLite integers; Infinity would bind as a REAL). */
const NO_LIMIT = Number.MAX_SAFE_INTEGER;

/** One notify attempt's result (deliveredAt null: to be retried at nextAttemptAt). */
export type NotifyOutcome = {
  matchId: string;
  deliveredAt: number | null;
  attempts: number;
  nextAttemptAt: number;
  note: string | null;
};

export class ShardStore {
  /**
   * Per stream, the seqs of the facts this store logged after the checkpoint at `after`: the next
   * checkpoint's segments, known without reading the log back (a GROUP BY over the facts since the
   * last checkpoint was most of a checkpoint's cost, a 10–30 ms stall every CHECKPOINT_FACTS).
   * Undefined until this store writes a checkpoint, and again after a failed transaction (its
   * facts were rolled back); the checkpoint then segments from the log itself.
   */
  private pending: { after: number; seqs: Map<string, number[]> } | undefined;

  constructor(private readonly sql: SqlStorage) {
    for (const stmt of SCHEMA) sql.exec(stmt);
    this.migrateStreamIndex();
  }

  /** A log from before segments had a per-stream index: segment what it holds, then drop the index. */
  private migrateStreamIndex(): void {
    const old = this.sql
      .exec("SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'facts_stream'")
      .toArray();
    if (old.length === 0) return;
    this.writeSegments(0, this.checkpointSeq());
    this.sql.exec("DROP INDEX facts_stream");
    this.sql.exec("DROP INDEX IF EXISTS facts_received");
  }

  /** Which of these eventIds the fact log already holds (one query for a whole batch). */
  knownFacts(eventIds: string[]): Set<string> {
    const known = new Set<string>();
    for (const row of this.sql.exec<{ event_id: string }>(
      "SELECT event_id FROM facts WHERE event_id IN (SELECT value FROM json_each(?))",
      JSON.stringify(eventIds),
    )) {
      known.add(row.event_id);
    }
    return known;
  }

  /**
   * Appends a batch's new facts in one statement: the facts travel as one JSON array through
   * json_each and each element's own text is the stored fact (no JSON inside JSON strings to
   * escape and unescape). Stale facts, rare, are named in a second list.
   */
  appendFacts(rows: { fact: AcceptedFact; stale: boolean }[], now: number): void {
    if (rows.length === 0) return;
    const stale = rows.filter((r) => r.stale).map((r) => r.fact.eventId);
    this.sql.exec(
      `INSERT INTO facts (event_id, stream_key, observed_at, stale, received_at, fact)
       SELECT f.value ->> '$.eventId', f.value ->> '$.streamKey', f.value ->> '$.observedAt',
         (f.value ->> '$.eventId') IN (SELECT s.value FROM json_each(?) AS s), ?, f.value
       FROM json_each(?) AS f`,
      JSON.stringify(stale),
      now,
      JSON.stringify(rows.map((r) => r.fact)),
    );
    if (!this.pending) return;
    // One INSERT numbers its rows consecutively: the last seq, minus the rows after each.
    const last = this.sql.exec<{ seq: number }>("SELECT last_insert_rowid() AS seq").one().seq;
    rows.forEach((r, i) => {
      const seq = last - rows.length + 1 + i;
      const list = this.pending?.seqs.get(r.fact.streamKey);
      if (list) list.push(seq);
      else this.pending?.seqs.set(r.fact.streamKey, [seq]);
    });
  }

  /** Forgets the seqs noted since the last checkpoint: the transaction that logged them failed. */
  forgetPendingSegments(): void {
    this.pending = undefined;
  }

  /**
   * The logged facts of some streams in log order: the seqs their segments list, plus a scan of
   * the facts after the last checkpoint (at most CHECKPOINT_FACTS rows).
   */
  private streamRows(streamKeys: string[]): { fact: string; observed_at: number }[] {
    const keys = JSON.stringify(streamKeys);
    return this.sql
      .exec<{ fact: string; observed_at: number }>(
        `SELECT fact, observed_at FROM facts WHERE seq IN (
           SELECT s.value FROM stream_segments g, json_each(g.seqs) s
             WHERE g.stream_key IN (SELECT value FROM json_each(?))
           UNION ALL
           SELECT seq FROM facts WHERE seq > COALESCE((SELECT seq FROM checkpoint WHERE id = 0), 0)
             AND stream_key IN (SELECT value FROM json_each(?))
         ) ORDER BY seq`,
        keys,
        keys,
      )
      .toArray();
  }

  /**
   * The applied samples of a series from the newest one at or before `from` (engine history
   * back-fill), among the facts logged up to `upToSeq` (a checkpoint's position during a restore).
   * Reads the stream's log backwards and stops at that sample: a window needs the last minutes of
   * a log that may hold weeks, and a restore asks each series for its newest sample only.
   */
  history(streamKey: string, field: string, from: number, upToSeq = NO_LIMIT): Sample[] {
    const newestFirst: Sample[] = [];
    for (const row of this.streamRowsBackwards(streamKey, upToSeq)) {
      if (row.stale !== 0) continue;
      const fact = JSON.parse(row.fact) as AcceptedFact;
      const value = readField(fact, field);
      if (value === undefined) continue;
      newestFirst.push({ observedAt: fact.observedAt, value });
      // Applied facts of a stream never go back in event time: this is the window's base.
      if (fact.observedAt <= from) break;
    }
    return newestFirst.reverse();
  }

  /**
   * One stream's logged facts up to `upToSeq`, newest first and read lazily: the facts after the
   * checkpoint, then each segment from the newest. A caller that stops early reads no further.
   */
  private *streamRowsBackwards(
    streamKey: string,
    upToSeq: number,
  ): Generator<{ fact: string; stale: number; observed_at: number }> {
    const checkpoint = this.checkpointSeq();
    if (upToSeq > checkpoint) {
      yield* this.sql.exec<{ fact: string; stale: number; observed_at: number }>(
        "SELECT fact, stale, observed_at FROM facts WHERE seq > ? AND seq <= ? AND stream_key = ? ORDER BY seq DESC",
        checkpoint,
        upToSeq,
        streamKey,
      );
    }
    const segments = this.sql
      .exec<{ first_seq: number }>(
        "SELECT first_seq FROM stream_segments WHERE stream_key = ? AND first_seq <= ? ORDER BY first_seq DESC",
        streamKey,
        upToSeq,
      )
      .toArray();
    for (const { first_seq } of segments) {
      yield* this.sql.exec<{ fact: string; stale: number; observed_at: number }>(
        `SELECT fact, stale, observed_at FROM facts WHERE seq <= ? AND seq IN (
           SELECT s.value FROM stream_segments g, json_each(g.seqs) s WHERE g.stream_key = ? AND g.first_seq = ?
         ) ORDER BY seq DESC`,
        upToSeq,
        streamKey,
        first_seq,
      );
    }
  }

  /** Facts of some streams in log order, optionally within an event-time range (backtests, exports). */
  factsOf(streamKeys: string[], from = Number.NEGATIVE_INFINITY, to = Number.POSITIVE_INFINITY): AcceptedFact[] {
    const out: AcceptedFact[] = [];
    if (streamKeys.length === 0) return out;
    for (const row of this.streamRows(streamKeys)) {
      if (row.observed_at >= from && row.observed_at <= to) out.push(JSON.parse(row.fact) as AcceptedFact);
    }
    return out;
  }

  /**
   * The log position of the saved engine states. A shard from before checkpoints saved its states
   * with every batch, so they reflect the whole log: its first checkpoint is the log's head.
   */
  checkpointSeq(): number {
    const row = this.sql.exec<{ seq: number }>("SELECT seq FROM checkpoint WHERE id = 0").toArray()[0];
    if (row) return row.seq;
    this.setCheckpoint();
    return this.checkpointSeq();
  }

  /**
   * Records that the saved engine states now reflect every fact logged so far, and segments the
   * facts logged since the previous checkpoint by stream.
   */
  setCheckpoint(): void {
    const head = this.sql.exec<{ n: number }>("SELECT COALESCE(MAX(seq), 0) AS n FROM facts").one().n;
    const previous = this.sql.exec<{ seq: number }>("SELECT seq FROM checkpoint WHERE id = 0").toArray()[0]?.seq;
    if (previous !== undefined && head > previous) {
      if (this.pending?.after === previous) this.writePendingSegments();
      else this.writeSegments(previous, head);
    }
    this.sql.exec(
      "INSERT INTO checkpoint (id, seq) VALUES (0, ?) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq",
      head,
    );
    this.pending = { after: head, seqs: new Map() };
  }

  /** The segments noted in memory since the last checkpoint, in one statement. */
  private writePendingSegments(): void {
    const rows = [...(this.pending?.seqs ?? [])].map(([key, seqs]) => [key, seqs[0], seqs[seqs.length - 1], seqs]);
    if (rows.length === 0) return;
    this.sql.exec(
      `INSERT OR REPLACE INTO stream_segments (stream_key, first_seq, last_seq, seqs)
       SELECT value ->> 0, value ->> 1, value ->> 2, value -> 3 FROM json_each(?)`,
      JSON.stringify(rows),
    );
  }

  /** One segment per stream for the facts in (after, upTo]. */
  private writeSegments(after: number, upTo: number): void {
    this.sql.exec(
      `INSERT OR REPLACE INTO stream_segments (stream_key, first_seq, last_seq, seqs)
       SELECT stream_key, MIN(seq), MAX(seq), json_group_array(seq ORDER BY seq) FROM facts
       WHERE seq > ? AND seq <= ? GROUP BY stream_key`,
      after,
      upTo,
    );
  }

  /** The facts logged after a position (stale ones included), in log order: a restore's replay. */
  *factsAfter(seq: number): Generator<AcceptedFact> {
    for (const row of this.sql.exec<{ fact: string }>("SELECT fact FROM facts WHERE seq > ? ORDER BY seq", seq)) {
      yield JSON.parse(row.fact) as AcceptedFact;
    }
  }

  monitors(): MonitorDefinition[] {
    return this.sql
      .exec<{ def: string | null }>("SELECT def FROM monitors WHERE def IS NOT NULL")
      .toArray()
      .map((r) => JSON.parse(r.def ?? "null") as MonitorDefinition);
  }

  identity(monitorId: string): MonitorIdentity | undefined {
    return this.sql
      .exec<MonitorIdentity>(
        `SELECT def ->> '$.workflowId' AS workflowId, def ->> '$.ownerUserId' AS ownerUserId,
           def ->> '$.linkedPortfolioIds[0]' AS portfolioId FROM monitors WHERE monitor_id = ? AND def IS NOT NULL`,
        monitorId,
      )
      .toArray()[0];
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

  /**
   * Upserts (or deletes, for null) many engine states with one statement per kind: the rows travel
   * as one JSON array through json_each, which costs far less than a statement per row.
   */
  putStates(table: "monitor_state" | "stream_state", entries: [string, unknown][]): void {
    const key = table === "monitor_state" ? "monitor_id" : "stream_key";
    const upserts: [string, string][] = [];
    const deletes: string[] = [];
    for (const [k, state] of entries) {
      if (state === null) deletes.push(k);
      else upserts.push([k, JSON.stringify(state)]);
    }
    if (upserts.length > 0) {
      this.sql.exec(
        `INSERT INTO ${table} (${key}, state) SELECT value ->> 0, value ->> 1 FROM json_each(?) WHERE true
         ON CONFLICT (${key}) DO UPDATE SET state = excluded.state`,
        JSON.stringify(upserts),
      );
    }
    if (deletes.length > 0)
      this.sql.exec(`DELETE FROM ${table} WHERE ${key} IN (SELECT value FROM json_each(?))`, JSON.stringify(deletes));
  }

  /**
   * Records an engine match in the outbox, joined with the identity of the monitor held now: the
   * version that matched, since monitor changes and facts reach a shard in one order. A repeated
   * matchId is ignored.
   */
  addToOutbox(core: MatchCore, now: number): void {
    const identity = this.identity(core.monitorId);
    if (!identity) throw new Error(`match ${core.matchId} of a monitor this shard does not hold`);
    const match: Match = { ...core, ...identity };
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

  /**
   * Records a delivery round in two statements: which matches' events were published, and each
   * notify outcome (delivered or rejected: deliveredAt set; to retry: attempts and next attempt).
   */
  recordOutcomes(outcomes: NotifyOutcome[], published: string[]): void {
    if (published.length > 0)
      this.sql.exec(
        "UPDATE outbox SET published = 1 WHERE match_id IN (SELECT value FROM json_each(?))",
        JSON.stringify(published),
      );
    if (outcomes.length === 0) return;
    this.sql.exec(
      `UPDATE outbox SET
         delivered_at = COALESCE(o.value ->> '$.deliveredAt', outbox.delivered_at),
         attempts = CASE WHEN o.value ->> '$.deliveredAt' IS NULL THEN o.value ->> '$.attempts' ELSE outbox.attempts END,
         next_attempt_at = CASE WHEN o.value ->> '$.deliveredAt' IS NULL THEN o.value ->> '$.nextAttemptAt'
           ELSE outbox.next_attempt_at END,
         last_error = o.value ->> '$.note'
       FROM json_each(?) AS o WHERE outbox.match_id = o.value ->> '$.matchId'`,
      JSON.stringify(outcomes.map((o) => ({ ...o, note: o.note === null ? null : o.note.slice(0, 500) }))),
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
    out.factsSinceCheckpoint = this.sql
      .exec<{ n: number }>(
        "SELECT COUNT(*) AS n FROM facts WHERE seq > COALESCE((SELECT seq FROM checkpoint WHERE id = 0), 0)",
      )
      .one().n;
    return out;
  }

  /**
   * Retention: forget facts received before `before`, and matches delivered before it. Facts after
   * the checkpoint stay whatever their age: a restart replays them.
   */
  prune(before: number): void {
    // received_at grows with seq (arrival order), so the log is cut at the first fact received
    // since `before`: a scan of the facts it deletes, without an index on received_at.
    const cut = Math.min(
      this.sql
        .exec<{ seq: number }>("SELECT seq FROM facts WHERE received_at >= ? ORDER BY seq LIMIT 1", before)
        .toArray()[0]?.seq ?? NO_LIMIT,
      this.checkpointSeq() + 1,
    );
    this.sql.exec("DELETE FROM facts WHERE seq < ?", cut);
    this.sql.exec("DELETE FROM stream_segments WHERE last_seq < ?", cut);
    this.sql.exec("DELETE FROM outbox WHERE delivered_at IS NOT NULL AND delivered_at < ?", before);
  }
}
