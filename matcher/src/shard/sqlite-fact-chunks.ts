import type { LogEntry } from "../../../shared/src/contract/shard-rpc";
import type { AcceptedFact } from "../../../shared/src/facts";
import type { HomeLogReader } from "../explain/explain-merged";
import { streamSeqsAfter } from "./sqlite-stream-seqs";
import type { LogRows } from "./storage-port";

/** Facts read per statement: large enough to amortise a statement, small enough to stop early cheaply. */
const CHUNK_ROWS = 2000;

/**
 * Some streams' logged facts in log order (stale ones too), read lazily in chunks: a consumer that
 * stops early (an explain page that is full) never reads the rest, and one that reads it all never
 * holds more than a chunk of rows at once. Each chunk finds the streams' next seqs through the
 * checkpoint segments and the facts since the checkpoint (sqlite-stream-seqs.ts), so a stream costs
 * its own facts, not the shard's whole log, then reads those facts by seq. `at` is where to start
 * (after its seq), and it follows the reading: after each fact is yielded it holds that fact's
 * seq, so a reader that stops can later continue from exactly there. `rows` keeps only the
 * delivered or only the copied rows (storage-port.ts): the others are read and passed over.
 *
 * @example for (const fact of loggedFacts(ctx.storage.sql, ["market_price:BTC-USD"])) …
 */
export function* loggedFacts(
  sql: SqlStorage,
  streamKeys: readonly string[],
  at: { seq: number } = { seq: 0 },
  chunkRows = CHUNK_ROWS,
  rows: LogRows = "all",
): Generator<AcceptedFact> {
  let after = at.seq;
  for (;;) {
    const seqs = streamSeqsAfter(sql, streamKeys, after, chunkRows);
    const last = seqs.at(-1);
    if (last === undefined) return;
    for (const row of factsAt(sql, seqs, last, rows)) {
      at.seq = row.seq;
      yield JSON.parse(row.fact) as AcceptedFact;
    }
    if (seqs.length < chunkRows) return;
    after = last;
  }
}

/**
 * A stream's logged facts as positions (seq, observedAt, eventId), in log order: the same seqs
 * loggedFacts reads, without the fact's JSON (what a page of a long stream sorts by).
 */
export function loggedPositions(
  sql: SqlStorage,
  streamKey: string,
  chunkRows = CHUNK_ROWS,
): { seq: number; observedAt: number; eventId: string }[] {
  const out: { seq: number; observedAt: number; eventId: string }[] = [];
  for (let after = 0; ; ) {
    const seqs = streamSeqsAfter(sql, [streamKey], after, chunkRows);
    const last = seqs.at(-1);
    if (last === undefined) return out;
    for (const row of rowsAt<{ seq: number; observed_at: number; event_id: string }>(
      sql,
      "seq, observed_at, event_id",
      seqs,
      last,
      "all",
    )) {
      out.push({ seq: row.seq, observedAt: row.observed_at, eventId: row.event_id });
    }
    if (seqs.length < chunkRows) return out;
    after = last;
  }
}

/** The facts at these seqs, in the order given (a seq the log no longer holds is left out). */
export function factsAtSeqs(sql: SqlStorage, seqs: readonly number[]): AcceptedFact[] {
  if (seqs.length === 0) return [];
  const bySeq = new Map<number, string>();
  for (const row of sql.exec<{ seq: number; fact: string }>(
    "SELECT seq, fact FROM facts WHERE seq IN (SELECT value FROM json_each(?))",
    JSON.stringify(seqs),
  )) {
    bySeq.set(row.seq, row.fact);
  }
  return seqs.flatMap((seq) => {
    const fact = bySeq.get(seq);
    return fact === undefined ? [] : [JSON.parse(fact) as AcceptedFact];
  });
}

/** The SQL condition that keeps `rows` (a constant: never a bound value, so "all" costs nothing). */
const ROWS_FILTER: Record<LogRows, string> = { all: "", delivered: "AND copied = 0", copied: "AND copied = 1" };

/** The facts at these ascending seqs: a range when they are contiguous (a shard mostly of one stream), else by seq. */
function factsAt(sql: SqlStorage, seqs: number[], last: number, rows: LogRows): { seq: number; fact: string }[] {
  return rowsAt<{ seq: number; fact: string }>(sql, "seq, fact", seqs, last, rows);
}

/** Some columns (a constant list, never a bound value) of the rows at these ascending seqs. */
function rowsAt<T extends Record<string, SqlStorageValue>>(
  sql: SqlStorage,
  columns: string,
  seqs: number[],
  last: number,
  rows: LogRows,
): T[] {
  const first = seqs[0] ?? last;
  const only = ROWS_FILTER[rows];
  if (last - first + 1 === seqs.length) {
    return sql
      .exec<T>(`SELECT ${columns} FROM facts WHERE seq >= ? AND seq <= ? ${only} ORDER BY seq`, first, last)
      .toArray();
  }
  return sql
    .exec<T>(
      `SELECT ${columns} FROM facts WHERE seq IN (SELECT value FROM json_each(?)) ${only} ORDER BY seq`,
      JSON.stringify(seqs),
    )
    .toArray();
}

/** The seq of the first stored fact of these streams (0 when there is none). */
export function firstLoggedSeq(sql: SqlStorage, streamKeys: readonly string[]): number {
  return streamSeqsAfter(sql, streamKeys, 0, 1)[0] ?? 0;
}

/** The most facts one `readLog` answers, whatever the caller asks (a chunk, never a whole log). */
export const MAX_CHUNK_ROWS = 5000;

/**
 * Up to `limit` logged facts of some streams after position `afterSeq`, in log order, each with its
 * seq: one chunk of loggedFacts, for a reader in another shard (a draft's explain pulling a stream).
 *
 * @example loggedChunk(sql, ["market_price:BTC-USD"], 0, 2000) // [{ seq: 7, fact }, …]
 */
export function loggedChunk(
  sql: SqlStorage,
  streamKeys: readonly string[],
  afterSeq: number,
  limit: number,
  rows: LogRows = "all",
): LogEntry[] {
  const size = Math.max(1, Math.min(Math.floor(limit), MAX_CHUNK_ROWS));
  const at = { seq: afterSeq };
  const out: LogEntry[] = [];
  for (const fact of loggedFacts(sql, streamKeys, at, size, rows)) {
    out.push({ seq: at.seq, fact });
    if (out.length >= size) break;
  }
  return out;
}

/**
 * The table of streams with copied rows: written only by `importFacts` (the delivered path never
 * touches it), read so that a replay of streams with no copy costs what it did before copies were marked.
 */
export const COPIED_STREAMS_SCHEMA =
  "CREATE TABLE IF NOT EXISTS copied_streams (stream_key TEXT PRIMARY KEY) WITHOUT ROWID";

/** Which of these streams have had rows copied into this log, in the order given. */
export function copiedStreamsOf(sql: SqlStorage, streamKeys: readonly string[]): string[] {
  if (streamKeys.length === 0) return [];
  const found = new Set(
    sql
      .exec<{ stream_key: string }>(
        "SELECT stream_key FROM copied_streams WHERE stream_key IN (SELECT value FROM json_each(?))",
        JSON.stringify(streamKeys),
      )
      .toArray()
      .map((r) => r.stream_key),
  );
  return streamKeys.filter((k) => found.has(k));
}

/** This shard's own log as an explain reads it (explain-merged.ts). */
export function sqliteLogReader(sql: SqlStorage): HomeLogReader {
  return {
    read: (streamKeys, afterSeq, limit, rows) => loggedChunk(sql, streamKeys, afterSeq, limit, rows),
    start: (streamKeys) => firstLoggedSeq(sql, streamKeys),
    copiedStreams: (streamKeys) => copiedStreamsOf(sql, streamKeys),
  };
}
