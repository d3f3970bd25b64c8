/**
 * Where some streams' facts are in a shard's log (seqs), found without a per-stream index: the
 * checkpoint segments (sqlite-segments.ts) hold, per stream, its seqs up to the checkpoint, and the
 * few facts logged after the checkpoint are scanned. The one way this shard reads a stream forwards:
 * explain's chunks, a pulled stream's `readLog`, exports and backtests all come through here, at a
 * cost that follows the streams' facts and the facts since the checkpoint, not the whole log.
 *
 * @example streamSeqsAfter(sql, ["market_price:BTC-USD"], 0, 2000) // [7, 19, 1042, …]
 */

/** The log position the saved engine states reflect, read only (0 before the first checkpoint: no segments yet). */
export function checkpointAt(sql: SqlStorage): number {
  return sql.exec<{ seq: number }>("SELECT COALESCE((SELECT seq FROM checkpoint WHERE id = 0), 0) AS seq").one().seq;
}

/**
 * Up to `limit` of a segment's seqs in (from, upTo], in log order. Parsed here: a segment may hold
 * thousands, and JSON.parse reads them several times faster than json_each's rows.
 */
export function segmentSeqs(
  sql: SqlStorage,
  streamKey: string,
  firstSeq: number,
  from: number,
  upTo: number,
  limit: number,
): number[] {
  const row = sql
    .exec<{ seqs: string }>(
      "SELECT seqs FROM stream_segments WHERE stream_key = ? AND first_seq = ?",
      streamKey,
      firstSeq,
    )
    .toArray()[0];
  const seqs: number[] = [];
  for (const seq of row ? (JSON.parse(row.seqs) as number[]) : []) {
    if (seq > upTo || seqs.length >= limit) break;
    if (seq > from) seqs.push(seq);
  }
  return seqs;
}

/**
 * The seqs of the first `limit` stored facts of these streams after position `after`, in log order.
 * Stateless between calls, so a reader that continues from its last seq later sees the log as it
 * is then: a checkpoint written meanwhile moved facts from the scanned tail into segments, and a
 * prune dropped its start.
 */
export function streamSeqsAfter(
  sql: SqlStorage,
  streamKeys: readonly string[],
  after: number,
  limit: number,
): number[] {
  if (streamKeys.length === 0 || limit <= 0) return [];
  const keys = JSON.stringify(streamKeys);
  const { first, checkpoint } = sql
    .exec<{ first: number; checkpoint: number }>(
      `SELECT COALESCE((SELECT seq FROM facts ORDER BY seq LIMIT 1), 0) AS first,
         COALESCE((SELECT seq FROM checkpoint WHERE id = 0), 0) AS checkpoint`,
    )
    .one();
  // A prune deletes a prefix of the log but keeps a segment that reaches past its cut.
  const from = Math.max(after, first - 1);
  const seqs = from < checkpoint ? segmentedSeqs(sql, keys, from, checkpoint, limit) : [];
  if (seqs.length >= limit) return seqs;
  for (const row of sql.exec<{ seq: number }>(
    `SELECT seq FROM facts WHERE seq > ? AND stream_key IN (SELECT value FROM json_each(?)) ORDER BY seq LIMIT ?`,
    Math.max(from, checkpoint),
    keys,
    limit - seqs.length,
  )) {
    seqs.push(row.seq);
  }
  return seqs;
}

/**
 * The first `limit` seqs in (from, checkpoint] from the streams' segments. Segments are taken in
 * the order they start; once `limit` seqs lie below the next one's start, no later segment can
 * add a seq before them (the streams' segments of one checkpoint interleave, those of later
 * checkpoints all come after), so the rest of the log's segments are never loaded.
 */
function segmentedSeqs(sql: SqlStorage, keys: string, from: number, checkpoint: number, limit: number): number[] {
  const heads = sql
    .exec<{ stream_key: string; first_seq: number }>(
      `SELECT stream_key, first_seq FROM stream_segments
       WHERE stream_key IN (SELECT value FROM json_each(?)) AND last_seq > ? AND first_seq <= ? ORDER BY first_seq`,
      keys,
      from,
      checkpoint,
    )
    .toArray();
  let found: number[] = [];
  for (const head of heads) {
    if (found.length >= limit && found.filter((s) => s < head.first_seq).length >= limit) break;
    // A segment's seqs ascend: past its first `limit` after `from`, none can be among the first `limit`.
    const seqs = segmentSeqs(sql, head.stream_key, head.first_seq, from, checkpoint, limit);
    found = found.length === 0 ? seqs : found.concat(seqs);
  }
  // One stream's segments never overlap: only several streams' need sorting.
  const sorted = found.every((s, i) => i === 0 || (found[i - 1] ?? 0) < s);
  return (sorted ? found : found.sort((a, b) => a - b)).slice(0, limit);
}
