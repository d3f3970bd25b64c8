import type { AcceptedFact } from "../../../shared/src/facts";

/** Facts read per statement: large enough to amortise a statement, small enough to stop early cheaply. */
const CHUNK_ROWS = 2000;

/**
 * Some streams' logged facts in log order (stale ones too), read lazily in chunks of log positions:
 * a consumer that stops early (an explain page that is full) never reads the rest of the log, and
 * one that reads it all never holds more than a chunk of rows at once. Each statement walks the
 * log's primary key from where the last chunk ended.
 *
 * @example for (const fact of loggedFacts(ctx.storage.sql, ["market_price:BTC-USD"])) …
 */
export function* loggedFacts(sql: SqlStorage, streamKeys: string[], chunkRows = CHUNK_ROWS): Generator<AcceptedFact> {
  if (streamKeys.length === 0) return;
  const keys = JSON.stringify(streamKeys);
  let after = 0;
  for (;;) {
    const rows = sql
      .exec<{ seq: number; fact: string }>(
        `SELECT seq, fact FROM facts WHERE seq > ? AND stream_key IN (SELECT value FROM json_each(?))
         ORDER BY seq LIMIT ?`,
        after,
        keys,
        chunkRows,
      )
      .toArray();
    for (const row of rows) yield JSON.parse(row.fact) as AcceptedFact;
    const last = rows.at(-1);
    if (!last || rows.length < chunkRows) return;
    after = last.seq;
  }
}
