import type { Registration } from "../explain/explain-page";
import { streamSeqsAfter } from "./sqlite-stream-seqs";

const SCHEMA =
  "CREATE TABLE IF NOT EXISTS monitor_registrations (monitor_id TEXT PRIMARY KEY, version INTEGER NOT NULL, after_seq INTEGER NOT NULL)";

/**
 * Where in this shard's log each monitor's current version was registered: the log position (seq)
 * of the last fact logged before it. Explain replays a saved monitor from there, as live matching
 * evaluated it (explain-page.ts, Registration); versions registered before this table existed have
 * no row and are replayed from the start of the log.
 *
 * @example recordRegistration(sql, "btc-100k", 2); registrationOf(sql, "btc-100k", 2, keys) // { factsBefore: 7 }
 */
export function recordRegistration(sql: SqlStorage, monitorId: string, version: number): void {
  sql.exec(SCHEMA);
  sql.exec(
    `INSERT INTO monitor_registrations (monitor_id, version, after_seq)
     VALUES (?, ?, (SELECT COALESCE(MAX(seq), 0) FROM facts))
     ON CONFLICT (monitor_id) DO UPDATE SET version = excluded.version, after_seq = excluded.after_seq`,
    monitorId,
    version,
  );
}

/**
 * A removed monitor's registration goes with it: explain reads only the version in force, and a
 * row per monitor ever removed would grow with monitor churn for the shard's lifetime.
 */
export function forgetRegistration(sql: SqlStorage, monitorId: string): void {
  sql.exec(SCHEMA);
  sql.exec("DELETE FROM monitor_registrations WHERE monitor_id = ?", monitorId);
}

/**
 * The registration of `version` as explain takes it: the stored facts of its streams logged up to
 * that position (copied history included: it is copied before the version is registered; pruned
 * facts are no longer counted, as they are no longer replayed); undefined when it is not recorded.
 */
export function registrationOf(
  sql: SqlStorage,
  monitorId: string,
  version: number,
  streamKeys: string[],
): Registration | undefined {
  sql.exec(SCHEMA);
  const row = sql
    .exec<{ after_seq: number }>(
      "SELECT after_seq FROM monitor_registrations WHERE monitor_id = ? AND version = ?",
      monitorId,
      version,
    )
    .toArray()[0];
  if (!row) return undefined;
  return { factsBefore: countSeqsUpTo(sql, streamKeys, row.after_seq) };
}

/** Seqs read per step of the count: a position is one number. */
const COUNT_CHUNK = 20_000;

/**
 * How many stored facts of these streams are logged at or before `upTo`, found as every stream
 * read is (sqlite-stream-seqs.ts: segments, then the facts since the checkpoint), stopping at the
 * first seq past it: the cost follows the streams' own facts before the registration, not the
 * shard's log (a COUNT over the facts table read every row up to it: ~100 ms at a million facts,
 * on each explain page of a saved monitor).
 */
function countSeqsUpTo(sql: SqlStorage, streamKeys: string[], upTo: number): number {
  let counted = 0;
  for (let after = 0; ; ) {
    const seqs = streamSeqsAfter(sql, streamKeys, after, COUNT_CHUNK);
    for (const seq of seqs) {
      if (seq > upTo) return counted;
      counted++;
    }
    const last = seqs.at(-1);
    if (last === undefined || seqs.length < COUNT_CHUNK) return counted;
    after = last;
  }
}
