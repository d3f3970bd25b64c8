/**
 * Which facts belong to a stream, in a fact log written in arrival order with no per-stream index:
 * a batch's facts spread over many streams, and an index on the stream put each of them on a
 * different B-tree page, so a 100-fact batch wrote ~100 pages (most of the shard's commit). Each
 * checkpoint records instead, per stream, the seqs it got since the previous checkpoint (a
 * segment); the few facts after the last checkpoint are found by scanning them.
 *
 * The seqs are noted in memory as facts are logged, so a checkpoint writes its segments without
 * reading the log back (a GROUP BY over the facts since the last checkpoint was most of a
 * checkpoint's cost, a 10–30 ms stall every CHECKPOINT_FACTS). The notes are only trusted for the
 * checkpoint they started at; after a failed transaction they are dropped and the next checkpoint
 * segments from the log itself.
 *
 * @example const notes = new SegmentNotes(sql); notes.noteAppended(rows, lastSeq); notes.write(prev, head);
 */
export const SEGMENTS_SCHEMA = `CREATE TABLE IF NOT EXISTS stream_segments (stream_key TEXT NOT NULL,
  first_seq INTEGER NOT NULL, last_seq INTEGER NOT NULL, seqs TEXT NOT NULL, PRIMARY KEY (stream_key, first_seq)) WITHOUT ROWID`;

export class SegmentNotes {
  /** Per stream, the seqs logged after the checkpoint at `after` (undefined: not known). */
  private pending: { after: number; seqs: Map<string, number[]> } | undefined;

  constructor(private readonly sql: SqlStorage) {}

  /** A checkpoint at `head` was recorded: note the seqs logged from here on. */
  startAt(head: number): void {
    this.pending = { after: head, seqs: new Map() };
  }

  /** Whether appended seqs are being noted (a checkpoint was recorded since the last forget). */
  noting(): boolean {
    return this.pending !== undefined;
  }

  forget(): void {
    this.pending = undefined;
  }

  /** Notes the seqs of rows just inserted by one INSERT, which numbers them consecutively up to `lastSeq`. */
  noteAppended(streamKeys: string[], lastSeq: number): void {
    const pending = this.pending;
    if (!pending) return;
    streamKeys.forEach((key, i) => {
      const seq = lastSeq - streamKeys.length + 1 + i;
      const list = pending.seqs.get(key);
      if (list) list.push(seq);
      else pending.seqs.set(key, [seq]);
    });
  }

  /** Writes the segments of the facts in (previous, head]: from the notes when they cover exactly that, else from the log. */
  write(previous: number, head: number): void {
    if (this.pending?.after === previous) this.writeNoted();
    else writeSegmentsFromLog(this.sql, previous, head);
  }

  private writeNoted(): void {
    const rows = [...(this.pending?.seqs ?? [])].map(([key, seqs]) => [key, seqs[0], seqs[seqs.length - 1], seqs]);
    if (rows.length === 0) return;
    this.sql.exec(
      `INSERT OR REPLACE INTO stream_segments (stream_key, first_seq, last_seq, seqs)
       SELECT value ->> 0, value ->> 1, value ->> 2, value -> 3 FROM json_each(?)`,
      JSON.stringify(rows),
    );
  }
}

/** One segment per stream for the facts in (after, upTo], read from the log. */
export function writeSegmentsFromLog(sql: SqlStorage, after: number, upTo: number): void {
  sql.exec(
    `INSERT OR REPLACE INTO stream_segments (stream_key, first_seq, last_seq, seqs)
     SELECT stream_key, MIN(seq), MAX(seq), json_group_array(seq ORDER BY seq) FROM facts
     WHERE seq > ? AND seq <= ? GROUP BY stream_key`,
    after,
    upTo,
  );
}
