import type { StreamListQuery } from "../../../shared/src/contract/shard-rpc";
import { type ShardStreamPage, type StreamSummary, streamMatches } from "../../../shared/src/stream-list";
import { shardOf } from "../../../shared/src/streams";
import { checkpointAt, streamSeqsAfter } from "./sqlite-stream-seqs";
import { firstKept, unionSorted } from "./stream-list-page";

/** Keys read per statement from the segments' primary key while looking for a page. */
const KEY_BATCH = 256;
/** Seqs looked up per statement while looking for a stream's first applied fact. */
const EDGE_BATCH = 32;

/**
 * A page of the streams a shard owns, read from its log without parsing a fact: the keys come from
 * the checkpoint segments' primary key (stream_key, first_seq) and the facts since the checkpoint;
 * a stream's count is its segments' seq counts plus its facts since the checkpoint; its event-time
 * span is that of its first and last applied facts (applied facts never go back in event time, so
 * those are its oldest and newest; stale ones are counted but never move a stream).
 *
 * @example listStoredStreams(ctx.storage.sql, { owner: { shard: 2, shardCount: 8 }, q: "btc", limit: 50 })
 */
export function listStoredStreams(sql: SqlStorage, query: StreamListQuery): ShardStreamPage {
  const checkpoint = checkpointAt(sql);
  const { shard, shardCount } = query.owner;
  const keep = (key: string) => shardOf(key, shardCount) === shard && streamMatches(key, query);
  const range = keyRange(query.after, query.kind);
  const tail = sql
    .exec<{ k: string }>(
      `SELECT DISTINCT stream_key AS k FROM facts WHERE seq > ? AND stream_key > ? AND stream_key < ? ORDER BY stream_key`,
      checkpoint,
      range.after,
      range.before,
    )
    .toArray()
    .map((r) => r.k);
  const page = firstKept(unionSorted(segmentKeys(sql, range), tail), keep, query.limit);
  return { streams: summaries(sql, page.keys, checkpoint), more: page.more };
}

/** Keys strictly between `after` and `before`: a kind's keys all start `kind:`, and `;` follows `:`. */
function keyRange(after: string | undefined, kind: string | undefined): { after: string; before: string } {
  const from = after ?? "";
  if (kind === undefined) return { after: from, before: "\u{10ffff}" };
  return { after: from > `${kind}:` ? from : `${kind}:`, before: `${kind};` };
}

/** The segments' distinct keys in order, read in batches (no cursor stays open between statements). */
function* segmentKeys(sql: SqlStorage, range: { after: string; before: string }): Generator<string> {
  for (let after = range.after; ; ) {
    const batch = sql
      .exec<{ k: string }>(
        `SELECT DISTINCT stream_key AS k FROM stream_segments WHERE stream_key > ? AND stream_key < ?
         ORDER BY stream_key LIMIT ?`,
        after,
        range.before,
        KEY_BATCH,
      )
      .toArray();
    for (const row of batch) yield row.k;
    const last = batch.at(-1);
    if (!last || batch.length < KEY_BATCH) return;
    after = last.k;
  }
}

function summaries(sql: SqlStorage, keys: string[], checkpoint: number): StreamSummary[] {
  if (keys.length === 0) return [];
  const json = JSON.stringify(keys);
  const first = sql
    .exec<{ s: number }>("SELECT COALESCE((SELECT seq FROM facts ORDER BY seq LIMIT 1), 0) AS s")
    .one().s;
  // A prune keeps a segment that reaches past its cut: only its seqs from the log's first are stored.
  const segmented = new Map(
    sql
      .exec<{ k: string; n: number }>(
        `SELECT stream_key AS k, SUM(CASE WHEN first_seq >= ?1 THEN json_array_length(seqs)
           ELSE (SELECT COUNT(*) FROM json_each(seqs) WHERE value >= ?1) END) AS n
         FROM stream_segments WHERE stream_key IN (SELECT value FROM json_each(?2)) AND last_seq >= ?1
         GROUP BY stream_key`,
        first,
        json,
      )
      .toArray()
      .map((r) => [r.k, r.n]),
  );
  const recent = new Map(
    sql
      .exec<{ k: string; n: number; first: number | null; last: number | null }>(
        `SELECT stream_key AS k, COUNT(*) AS n, MIN(CASE WHEN stale = 0 THEN observed_at END) AS first,
           MAX(CASE WHEN stale = 0 THEN observed_at END) AS last
         FROM facts WHERE seq > ? AND stream_key IN (SELECT value FROM json_each(?)) GROUP BY stream_key`,
        checkpoint,
        json,
      )
      .toArray()
      .map((r) => [r.k, r]),
  );
  return keys.map((streamKey) => {
    const older = segmented.get(streamKey) ?? 0;
    const tail = recent.get(streamKey);
    return {
      streamKey,
      facts: older + (tail?.n ?? 0),
      firstObservedAt: older > 0 ? firstApplied(sql, streamKey, first - 1) : (tail?.first ?? null),
      lastObservedAt: tail?.last ?? (older > 0 ? lastAppliedSegmented(sql, streamKey, first) : null),
    };
  });
}

/** The event time of the stream's first applied fact after log position `after` (usually its first fact). */
function firstApplied(sql: SqlStorage, streamKey: string, after: number): number | null {
  for (let from = after; ; ) {
    const seqs = streamSeqsAfter(sql, [streamKey], from, EDGE_BATCH);
    const found = sql
      .exec<{ t: number }>(
        "SELECT observed_at AS t FROM facts WHERE seq IN (SELECT value FROM json_each(?)) AND stale = 0 ORDER BY seq LIMIT 1",
        JSON.stringify(seqs),
      )
      .toArray()[0];
    if (found) return found.t;
    const last = seqs.at(-1);
    if (last === undefined || seqs.length < EDGE_BATCH) return null;
    from = last;
  }
}

/**
 * The event time of the last applied fact among the stream's segments: its newest segmented fact,
 * one lookup, unless that one was stale; then the segments are walked back, newest first.
 */
function lastAppliedSegmented(sql: SqlStorage, streamKey: string, first: number): number | null {
  const newest = sql
    .exec<{ t: number; stale: number }>(
      `SELECT observed_at AS t, stale FROM facts WHERE seq = (
         SELECT seqs ->> '$[#-1]' FROM stream_segments WHERE stream_key = ? ORDER BY first_seq DESC LIMIT 1)`,
      streamKey,
    )
    .toArray()[0];
  if (newest && newest.stale === 0) return newest.t;
  const segments = sql
    .exec<{ f: number }>(
      "SELECT first_seq AS f FROM stream_segments WHERE stream_key = ? AND last_seq >= ? ORDER BY first_seq DESC",
      streamKey,
      first,
    )
    .toArray();
  for (const { f } of segments) {
    const found = sql
      .exec<{ t: number }>(
        `SELECT observed_at AS t FROM facts WHERE stale = 0 AND seq IN (
           SELECT s.value FROM stream_segments g, json_each(g.seqs) s WHERE g.stream_key = ? AND g.first_seq = ?)
         ORDER BY seq DESC LIMIT 1`,
        streamKey,
        f,
      )
      .toArray()[0];
    if (found) return found.t;
  }
  return null;
}
