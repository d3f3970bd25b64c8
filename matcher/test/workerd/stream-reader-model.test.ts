import { runInDurableObject } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AcceptedFact } from "../../../shared/src/facts";
import { copiedStreamsOf, firstLoggedSeq, loggedChunk, loggedFacts } from "../../src/shard/sqlite-fact-chunks";
import { SqliteFactLog } from "../../src/shard/sqlite-fact-log";
import type { LogRows } from "../../src/shard/storage-port";
import { menv } from "./helpers";

/**
 * The explain readers (sqlite-fact-chunks.ts) find a stream's facts through the checkpoint
 * segments and the facts since the checkpoint. Their model is the full scan of the log they
 * replaced (below, as it was): over random logs of several streams, with checkpoints, failed
 * transactions, prunes and appends at random points, both readers are run side by side, stopped
 * and resumed at random positions, and must yield the same facts in the same order with the same
 * resume points, whether they read all rows or only the delivered or only the copied ones (appends
 * are copied at random, as importFacts logs them). Real SQLite in a Durable Object, one object per run.
 */

/**
 * The reader this replaced: every fact after `at`, filtered by stream, `chunkRows` of the streams'
 * log rows a statement. The rows the copied flag leaves out are read and passed over (as the
 * readers' contract says), so a chunk is short, and the read ends, at the same row for both readers
 * even while facts are appended to an open read (filtering in SQL made the scan end one chunk
 * earlier there, and the property failed on a reader that had, rightly, read on).
 */
function* scanned(
  sql: SqlStorage,
  keys: string[],
  at: { seq: number },
  chunkRows: number,
  only: LogRows = "all",
): Generator<AcceptedFact> {
  let after = at.seq;
  for (;;) {
    const rows = sql
      .exec<{ seq: number; fact: string; copied: number }>(
        `SELECT seq, fact, copied FROM facts WHERE seq > ? AND stream_key IN (SELECT value FROM json_each(?))
           ORDER BY seq LIMIT ?`,
        after,
        JSON.stringify(keys),
        chunkRows,
      )
      .toArray();
    for (const row of rows) {
      if (only !== "all" && (row.copied === 1) !== (only === "copied")) continue;
      at.seq = row.seq;
      yield JSON.parse(row.fact) as AcceptedFact;
    }
    const last = rows.at(-1);
    if (!last || rows.length < chunkRows) return;
    after = last.seq;
  }
}

const STREAMS = ["market_price:S0", "market_price:S1", "market_price:S2", "market_price:S3"];
const keysArb = fc.subarray(STREAMS, { minLength: 1, maxLength: 3 });

const rowsArb = fc.constantFrom<LogRows>("all", "delivered", "copied");

type Command =
  | { op: "append"; streams: number[]; copied: boolean }
  | { op: "fail"; streams: number[]; checkpointInside: boolean }
  | { op: "checkpoint" }
  | { op: "prune"; back: number }
  | { op: "open"; keys: string[]; chunkRows: number; resumeFrom: number; rows: LogRows }
  | { op: "pull"; reader: number; steps: number }
  | { op: "chunk"; keys: string[]; after: number; limit: number; rows: LogRows };

const streamsArb = fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 12 });
const commandArb: fc.Arbitrary<Command> = fc.oneof(
  {
    arbitrary: fc.record({ op: fc.constant("append" as const), streams: streamsArb, copied: fc.boolean() }),
    weight: 5,
  },
  {
    arbitrary: fc.record({ op: fc.constant("fail" as const), streams: streamsArb, checkpointInside: fc.boolean() }),
    weight: 1,
  },
  { arbitrary: fc.record({ op: fc.constant("checkpoint" as const) }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant("prune" as const), back: fc.integer({ min: 0, max: 20 }) }), weight: 2 },
  {
    arbitrary: fc.record({
      op: fc.constant("open" as const),
      keys: keysArb,
      chunkRows: fc.integer({ min: 1, max: 6 }),
      resumeFrom: fc.nat({ max: 20 }),
      rows: rowsArb,
    }),
    weight: 2,
  },
  {
    arbitrary: fc.record({
      op: fc.constant("pull" as const),
      reader: fc.nat({ max: 5 }),
      steps: fc.integer({ min: 1, max: 15 }),
    }),
    weight: 4,
  },
  {
    arbitrary: fc.record({
      op: fc.constant("chunk" as const),
      keys: keysArb,
      after: fc.nat({ max: 200 }),
      limit: fc.integer({ min: 1, max: 9 }),
      rows: rowsArb,
    }),
    weight: 2,
  },
);

/** The two readers of one open read, and where each is. */
type Pair = {
  segmented: Iterator<AcceptedFact>;
  scan: Iterator<AcceptedFact>;
  at: { segmented: { seq: number }; scan: { seq: number } };
};

/** Runs the commands on one log; every read compares the segment-based reader with the scan. */
function run(storage: DurableObjectStorage, commands: Command[]): void {
  const sql = storage.sql;
  const log = new SqliteFactLog(sql);
  let time = 0;
  let n = 0;
  const factsOn = (streams: number[]) =>
    streams.map((s) => {
      n++;
      const fact = {
        kind: "market_price" as const,
        subject: { symbol: `S${s}` },
        observedAt: 1_000 * n,
        data: { price: n },
      };
      const eventId = `01MODEL${String(n).padStart(19, "0")}`;
      return {
        fact: { ...fact, eventId, producerId: "p", receivedAt: 0, streamKey: `market_price:S${s}` },
        stale: false,
      };
    });
  const pairs: Pair[] = [];
  const stoppedAt: number[] = [];
  for (const c of commands) {
    if (c.op === "append") log.append(factsOn(c.streams), ++time, c.copied);
    else if (c.op === "checkpoint") log.setCheckpoint();
    else if (c.op === "prune") log.prune(time - c.back);
    else if (c.op === "fail") {
      const rows = factsOn(c.streams);
      expect(() =>
        storage.transactionSync(() => {
          log.append(rows.slice(0, 1), ++time);
          if (c.checkpointInside) log.setCheckpoint();
          log.append(rows.slice(1), time);
          throw new Error("failed after logging");
        }),
      ).toThrow("failed after logging");
      log.forgetPending();
    } else if (c.op === "open") {
      // A reader starts at the log's start or where an earlier reader stopped (a cursor's resume).
      const from = stoppedAt.length === 0 ? 0 : (stoppedAt[c.resumeFrom % stoppedAt.length] ?? 0);
      // Where the streams' stored facts start: part of a cached replay's key, so a prune there retires it.
      expect(firstLoggedSeq(sql, c.keys)).toBe(firstScanned(sql, c.keys));
      const at = { segmented: { seq: from }, scan: { seq: from } };
      pairs.push({
        segmented: loggedFacts(sql, c.keys, at.segmented, c.chunkRows, c.rows),
        scan: scanned(sql, c.keys, at.scan, c.chunkRows, c.rows),
        at,
      });
    } else if (c.op === "pull") {
      const pair = pairs[c.reader % Math.max(1, pairs.length)];
      if (!pair) continue;
      for (let i = 0; i < c.steps; i++) {
        const a = pair.segmented.next();
        const b = pair.scan.next();
        expect(a.done ? null : a.value.eventId).toBe(b.done ? null : b.value.eventId);
        expect(pair.at.segmented.seq).toBe(pair.at.scan.seq);
        if (a.done) break;
      }
      stoppedAt.push(pair.at.segmented.seq);
    } else {
      const scan = [...scanned(sql, c.keys, { seq: c.after }, 5000, c.rows)].slice(0, c.limit);
      expect(loggedChunk(sql, c.keys, c.after, c.limit, c.rows).map((e) => e.fact.eventId)).toEqual(
        scan.map((f) => f.eventId),
      );
      expect(log.factsOf(c.keys, undefined, undefined, c.rows).map((f) => f.eventId)).toEqual(
        [...scanned(sql, c.keys, { seq: 0 }, 5000, c.rows)].map((f) => f.eventId),
      );
      // Every stream that got a copied row is noted (a prune may leave a noted stream with none now).
      const copied = new Set(copiedStreamsOf(sql, c.keys));
      for (const f of scanned(sql, c.keys, { seq: 0 }, 5000, "copied")) expect(copied.has(f.streamKey)).toBe(true);
      expect(firstLoggedSeq(sql, c.keys)).toBe(firstScanned(sql, c.keys));
      expect(log.factsOf(c.keys).map((f) => f.eventId)).toEqual(
        [...scanned(sql, c.keys, { seq: 0 }, 5000)].map((f) => f.eventId),
      );
    }
  }
}

/** The seq of the streams' first stored fact by the scan (0 when none). */
function firstScanned(sql: SqlStorage, keys: string[]): number {
  const at = { seq: 0 };
  scanned(sql, keys, at, 1).next();
  return at.seq;
}

describe("the segment-based stream reader", () => {
  it("yields what a full scan of the log yields: same facts, order and resume points", async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(commandArb, { minLength: 5, maxLength: 60 }), async (commands) => {
        const stub = menv.SHARDS.get(menv.SHARDS.idFromName(`reader-model-${runs++}`));
        await runInDurableObject(stub, (_instance, state) => {
          run(state.storage, commands);
        });
      }),
      { numRuns: 150 },
    );
  });
});
