import { runInDurableObject } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { StreamListQuery } from "../../../shared/src/contract/shard-rpc";
import type { AcceptedFact } from "../../../shared/src/facts";
import { type StreamSummary, streamMatches } from "../../../shared/src/stream-list";
import { shardOf, streamKey } from "../../../shared/src/streams";
import { SqliteFactLog } from "../../src/shard/sqlite-fact-log";
import { listStoredStreams } from "../../src/shard/sqlite-stream-list";
import { menv, priceFacts } from "./helpers";

/**
 * A shard lists the streams it owns from its log's segments and the facts since its checkpoint,
 * without reading a fact's JSON. Its model is the full scan it avoids: GROUP BY over every stored
 * fact. Over random logs (appends with stale facts, checkpoints, prunes at random cuts) and random
 * queries (cursor, kind, text, owner, page size), both must give the same page. Real SQLite in a
 * Durable Object, one object per run.
 */
const KEYS = [
  "market_price:AB-1",
  "market_price:ab%2F2",
  "market_candles:AB-1",
  "portfolio_nav_usd:pf-3",
  "market_price:Z",
];
let n = 0;
const row = (key: number, observedAt: number, stale: boolean) => {
  n++;
  const [kind, subject] = (KEYS[key] ?? "").split(":");
  return {
    fact: {
      kind: kind as "market_price",
      subject: { symbol: decodeURIComponent(subject ?? "") },
      observedAt,
      data: { price: 1 },
      eventId: `01LIST${String(n).padStart(20, "0")}`,
      producerId: "p",
      receivedAt: 0,
      streamKey: KEYS[key] ?? "",
    } satisfies AcceptedFact,
    stale,
  };
};

/** The page by a full scan of the facts table. */
function scanned(sql: SqlStorage, q: StreamListQuery): { streams: StreamSummary[]; more: boolean } {
  const all = sql
    .exec<{ k: string; n: number; a: number | null; b: number | null }>(
      `SELECT stream_key AS k, COUNT(*) AS n, MIN(CASE WHEN stale = 0 THEN observed_at END) AS a,
         MAX(CASE WHEN stale = 0 THEN observed_at END) AS b FROM facts GROUP BY stream_key ORDER BY stream_key`,
    )
    .toArray()
    .filter((r) => r.k > (q.after ?? "") && streamMatches(r.k, q))
    .filter((r) => shardOf(r.k, q.owner.shardCount) === q.owner.shard)
    .map((r) => ({ streamKey: r.k, facts: r.n, firstObservedAt: r.a, lastObservedAt: r.b }));
  return { streams: all.slice(0, q.limit), more: all.length > q.limit };
}

type Step = { op: "append"; rows: [number, number][] } | { op: "checkpoint" } | { op: "prune"; back: number };
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    arbitrary: fc.record({
      op: fc.constant("append" as const),
      rows: fc.array(fc.tuple(fc.nat({ max: 4 }), fc.nat({ max: 100 })), { minLength: 1, maxLength: 8 }),
    }),
    weight: 4,
  },
  { arbitrary: fc.record({ op: fc.constant("checkpoint" as const) }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant("prune" as const), back: fc.nat({ max: 6 }) }), weight: 1 },
);
const queryArb: fc.Arbitrary<StreamListQuery> = fc.record(
  {
    owner: fc.constantFrom({ shard: 0, shardCount: 1 }, { shard: 0, shardCount: 2 }, { shard: 1, shardCount: 2 }),
    after: fc.constantFrom("market_candles:AB-1", "market_price:", "market_price:AB-1", "p"),
    kind: fc.constantFrom("market_price", "portfolio_nav_usd"),
    q: fc.constantFrom("ab", "AB/2", "%2f", "pf", "zz"),
    limit: fc.integer({ min: 1, max: 4 }),
  },
  { requiredKeys: ["owner", "limit"] },
);

describe("a shard's stream list", () => {
  it("equals a full scan of its facts: counts, event-time span, filters, owner and paging", async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(stepArb, { maxLength: 25 }),
        fc.array(queryArb, { minLength: 1, maxLength: 6 }),
        async (steps, queries) => {
          const stub = menv.SHARDS.get(menv.SHARDS.idFromName(`stream-list-${runs++}`));
          await runInDurableObject(stub, (_instance, state) => {
            const log = new SqliteFactLog(state.storage.sql);
            let time = 0;
            // Stale as a shard decides it: older than the stream's latest applied fact.
            const latest = new Map<number, number>();
            const decided = (k: number, t: number) => {
              const stale = t < (latest.get(k) ?? Number.NEGATIVE_INFINITY);
              if (!stale) latest.set(k, t);
              return row(k, t, stale);
            };
            for (const step of steps) {
              if (step.op === "append")
                log.append(
                  step.rows.map(([k, t]) => decided(k, t)),
                  ++time,
                );
              else if (step.op === "checkpoint") log.setCheckpoint();
              else log.prune(time - step.back);
            }
            for (const q of queries)
              expect(listStoredStreams(state.storage.sql, q)).toEqual(scanned(state.storage.sql, q));
          });
        },
      ),
      { numRuns: 60 },
    );
  });

  it("spans a stream's applied facts: a stale fact is counted but moves neither end", async () => {
    const stub = menv.SHARDS.get(menv.SHARDS.idFromName("stream-list-stale"));
    const page = await runInDurableObject(stub, (_instance, state) => {
      const log = new SqliteFactLog(state.storage.sql);
      log.append([row(0, 10, false), row(4, 5, false)], 100);
      log.append([row(0, 20, false), row(4, 50, false)], 200);
      log.setCheckpoint();
      // Stale facts last before the checkpoint, and first once the prune has cut the log at time 200.
      log.append([row(0, 15, true), row(4, 1, true), row(4, 60, false)], 300);
      log.setCheckpoint();
      log.prune(150);
      return listStoredStreams(state.storage.sql, { owner: { shard: 0, shardCount: 1 }, limit: 10 });
    });
    expect(page).toEqual({
      streams: [
        { streamKey: KEYS[0], facts: 2, firstObservedAt: 20, lastObservedAt: 20 },
        { streamKey: KEYS[4], facts: 3, firstObservedAt: 50, lastObservedAt: 60 },
      ],
      more: false,
    });
  });

  it("lists through the shard's RPC only the streams it owns, not those it follows", async () => {
    const mine = Array.from({ length: 40 }, (_, i) => `RPC${i}`).filter((s) => shardOf(`market_price:${s}`, 4) === 2);
    const followed = Array.from({ length: 40 }, (_, i) => `RPC${i}`).find((s) => shardOf(`market_price:${s}`, 4) !== 2);
    const stub = menv.SHARDS.get(menv.SHARDS.idFromName("shard-2"));
    for (const symbol of [...mine.slice(0, 3), followed ?? ""]) await stub.applyFacts(priceFacts(symbol, [1, 2, 3]));
    const page = await stub.listStreams({ owner: { shard: 2, shardCount: 4 }, q: "rpc", limit: 10 });
    const expected = mine.slice(0, 3).map((symbol) => streamKey({ kind: "market_price", subject: { symbol } }));
    expect(page.streams.map((s) => s.streamKey)).toEqual(expected.sort());
    expect(page.streams.map((s) => s.facts)).toEqual([3, 3, 3]);
    expect(page.more).toBe(false);
  });
});
