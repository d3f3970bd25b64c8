import { readField } from "../../../shared/src/fact-values";
import type { AcceptedFact } from "../../../shared/src/facts";
import type { Sample } from "../engine/types";
import {
  COPIED_STREAMS_SCHEMA,
  copiedStreamsOf,
  factsAtSeqs,
  loggedFacts,
  loggedPositions,
} from "./sqlite-fact-chunks";
import { SEGMENTS_SCHEMA, SegmentNotes, writeSegmentsFromLog } from "./sqlite-segments";
import type { FactLogStore, LogRows } from "./storage-port";

const SCHEMA = [
  // copied: 1 for a fact copied from another shard's log (importFacts), 0 for one delivered here.
  `CREATE TABLE IF NOT EXISTS facts (seq INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL UNIQUE,
     stream_key TEXT NOT NULL, observed_at INTEGER NOT NULL, stale INTEGER NOT NULL, received_at INTEGER NOT NULL, fact TEXT NOT NULL,
     copied INTEGER NOT NULL DEFAULT 0)`,
  SEGMENTS_SCHEMA,
  COPIED_STREAMS_SCHEMA,
  // The fact-log position (seq) the saved engine states reflect (engine/checkpoint.ts).
  "CREATE TABLE IF NOT EXISTS checkpoint (id INTEGER PRIMARY KEY CHECK (id = 0), seq INTEGER NOT NULL)",
];

/** A bound above every seq (SQLite integers; Infinity would bind as a REAL). */
const NO_LIMIT = Number.MAX_SAFE_INTEGER;

type LoggedRow = { fact: string; stale: number; observed_at: number };

/**
 * A shard's fact log in Durable Object SQLite: facts in arrival order (seq), found per stream
 * through checkpoint segments (sqlite-segments.ts) plus a scan of the facts since the checkpoint.
 *
 * @example const log = new SqliteFactLog(ctx.storage.sql); log.history("market_price:BTC-USD", "price", t)
 */
export class SqliteFactLog implements FactLogStore {
  private readonly segments: SegmentNotes;

  constructor(private readonly sql: SqlStorage) {
    for (const stmt of SCHEMA) sql.exec(stmt);
    this.segments = new SegmentNotes(sql);
    this.migrateStreamIndex();
    this.addCopiedColumn();
  }

  /**
   * A log from before copied rows were marked gets the column: an ALTER with a constant default
   * rewrites no row. Its earlier copies stay unmarked (read as delivered: nothing says which they were).
   */
  private addCopiedColumn(): void {
    const table = this.sql
      .exec<{ sql: string }>("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'facts'")
      .one().sql;
    if (!/\bcopied\b/.test(table)) this.sql.exec("ALTER TABLE facts ADD COLUMN copied INTEGER NOT NULL DEFAULT 0");
  }

  /** A log from before segments had a per-stream index: segment what it holds, then drop the index. */
  private migrateStreamIndex(): void {
    const old = this.sql
      .exec("SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'facts_stream'")
      .toArray();
    if (old.length === 0) return;
    writeSegmentsFromLog(this.sql, 0, this.checkpointSeq());
    this.sql.exec("DROP INDEX facts_stream");
    this.sql.exec("DROP INDEX IF EXISTS facts_received");
  }

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
   * One statement for a batch: the facts travel as one JSON array through json_each and each
   * element's own text is the stored fact (no JSON inside JSON strings to escape and unescape).
   * Stale facts, rare, are named in a second list. `copied` is one constant for the batch; a
   * copied batch also notes its streams in copied_streams (sqlite-fact-chunks.ts).
   */
  append(rows: { fact: AcceptedFact; stale: boolean }[], now: number, copied = false): void {
    if (rows.length === 0) return;
    const stale = rows.filter((r) => r.stale).map((r) => r.fact.eventId);
    this.sql.exec(
      `INSERT INTO facts (event_id, stream_key, observed_at, stale, received_at, fact, copied)
       SELECT f.value ->> '$.eventId', f.value ->> '$.streamKey', f.value ->> '$.observedAt',
         (f.value ->> '$.eventId') IN (SELECT s.value FROM json_each(?) AS s), ?, f.value, ?
       FROM json_each(?) AS f`,
      JSON.stringify(stale),
      now,
      copied ? 1 : 0,
      JSON.stringify(rows.map((r) => r.fact)),
    );
    if (copied)
      this.sql.exec(
        "INSERT OR IGNORE INTO copied_streams (stream_key) SELECT DISTINCT value FROM json_each(?)",
        JSON.stringify(rows.map((r) => r.fact.streamKey)),
      );
    if (!this.segments.noting()) return;
    const last = this.sql.exec<{ seq: number }>("SELECT last_insert_rowid() AS seq").one().seq;
    this.segments.noteAppended(
      rows.map((r) => r.fact.streamKey),
      last,
    );
  }

  copiedStreams(streamKeys: string[]): string[] {
    return copiedStreamsOf(this.sql, streamKeys);
  }

  forgetPending(): void {
    this.segments.forget();
  }

  /** Reads the stream's log backwards and stops at the base sample: a window needs minutes of a log that may hold weeks. */
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

  /** One stream's facts up to `upToSeq`, newest first and read lazily: the facts after the checkpoint, then each segment. */
  private *streamRowsBackwards(streamKey: string, upToSeq: number): Generator<LoggedRow> {
    const checkpoint = this.checkpointSeq();
    if (upToSeq > checkpoint) {
      yield* this.sql.exec<LoggedRow>(
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
      yield* this.sql.exec<LoggedRow>(
        `SELECT fact, stale, observed_at FROM facts WHERE seq <= ? AND seq IN (
           SELECT s.value FROM stream_segments g, json_each(g.seqs) s WHERE g.stream_key = ? AND g.first_seq = ?
         ) ORDER BY seq DESC`,
        upToSeq,
        streamKey,
        first_seq,
      );
    }
  }

  /** Through the same per-stream reader as explain's chunks (sqlite-fact-chunks.ts). */
  factsOf(
    streamKeys: string[],
    from = Number.NEGATIVE_INFINITY,
    to = Number.POSITIVE_INFINITY,
    rows: LogRows = "all",
  ): AcceptedFact[] {
    const out: AcceptedFact[] = [];
    for (const fact of loggedFacts(this.sql, streamKeys, { seq: 0 }, undefined, rows)) {
      if (fact.observedAt >= from && fact.observedAt <= to) out.push(fact);
    }
    return out;
  }

  factPositions(
    streamKey: string,
    from = Number.NEGATIVE_INFINITY,
    to = Number.POSITIVE_INFINITY,
  ): { seq: number; observedAt: number; eventId: string }[] {
    // Larger chunks than a fact read's: a position is three small columns.
    return loggedPositions(this.sql, streamKey, 20_000).filter((p) => p.observedAt >= from && p.observedAt <= to);
  }

  factsAtSeqs(seqs: number[]): AcceptedFact[] {
    return factsAtSeqs(this.sql, seqs);
  }

  *factsAfter(seq: number): Generator<AcceptedFact> {
    for (const row of this.sql.exec<{ fact: string }>("SELECT fact FROM facts WHERE seq > ? ORDER BY seq", seq)) {
      yield JSON.parse(row.fact) as AcceptedFact;
    }
  }

  /** A shard from before checkpoints saved its states with every batch: its first checkpoint is the log's head. */
  checkpointSeq(): number {
    const row = this.sql.exec<{ seq: number }>("SELECT seq FROM checkpoint WHERE id = 0").toArray()[0];
    if (row) return row.seq;
    this.setCheckpoint();
    return this.checkpointSeq();
  }

  /**
   * Also segments the facts logged since the previous checkpoint by stream (since the log's start
   * for the first one: every fact up to the checkpoint is then in a segment, which readers rely on).
   */
  setCheckpoint(): void {
    const head = this.sql.exec<{ n: number }>("SELECT COALESCE(MAX(seq), 0) AS n FROM facts").one().n;
    const previous = this.sql.exec<{ seq: number }>("SELECT seq FROM checkpoint WHERE id = 0").toArray()[0]?.seq ?? 0;
    if (head > previous) this.segments.write(previous, head);
    this.sql.exec(
      "INSERT INTO checkpoint (id, seq) VALUES (0, ?) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq",
      head,
    );
    this.segments.startAt(head);
  }

  /** received_at grows with seq (arrival order), so the log is cut at the first fact received since `before`. */
  prune(before: number): void {
    const cut = Math.min(
      this.sql
        .exec<{ seq: number }>("SELECT seq FROM facts WHERE received_at >= ? ORDER BY seq LIMIT 1", before)
        .toArray()[0]?.seq ?? NO_LIMIT,
      this.checkpointSeq() + 1,
    );
    this.sql.exec("DELETE FROM facts WHERE seq < ?", cut);
    this.sql.exec("DELETE FROM stream_segments WHERE last_seq < ?", cut);
  }

  /**
   * A stream's facts up to the checkpoint are listed in its segments (a prune keeps every segment
   * that reaches past its cut); the ones after the checkpoint are few enough to scan.
   */
  streamsLogged(streamKeys: readonly string[]): Set<string> {
    const found = new Set<string>();
    for (const row of this.sql.exec<{ k: string }>(
      `SELECT DISTINCT stream_key AS k FROM stream_segments WHERE stream_key IN (SELECT value FROM json_each(?1))
       UNION SELECT DISTINCT stream_key FROM facts WHERE seq > ?2 AND stream_key IN (SELECT value FROM json_each(?1))`,
      JSON.stringify(streamKeys),
      this.checkpointSeq(),
    )) {
      found.add(row.k);
    }
    return found;
  }

  size(): { factLogSize: number; factsSinceCheckpoint: number } {
    return {
      factLogSize: this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM facts").one().n,
      factsSinceCheckpoint: this.sql
        .exec<{ n: number }>(
          "SELECT COUNT(*) AS n FROM facts WHERE seq > COALESCE((SELECT seq FROM checkpoint WHERE id = 0), 0)",
        )
        .one().n,
    };
  }
}
