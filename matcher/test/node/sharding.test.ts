import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AcceptedFact } from "../../../shared/src/facts";
import { referenceEvaluate } from "../../src/engine/reference";
import type { Match, Op } from "../../src/engine/types";
import { MONITOR_IDS, opsArb, runs } from "./arbitraries";
import { asRegistryIssues } from "./harness";
import { ShardedFabric } from "./sharded-fabric";

/** Feeds ops to the fabric, facts in batches of consecutive fact ops. */
function run(fabric: ShardedFabric, ops: Op[], batchCut: number): Match[] {
  const matches: Match[] = [];
  let batch: AcceptedFact[] = [];
  const flush = () => {
    if (batch.length > 0) matches.push(...fabric.applyBatch(batch));
    batch = [];
  };
  for (const op of ops) {
    if (op.type === "fact") {
      batch.push(op.fact);
      if (batch.length >= batchCut) flush();
      continue;
    }
    flush();
    if (op.type === "upsert") fabric.upsert(op.def);
    else fabric.remove(op.monitorId);
  }
  flush();
  return matches;
}

describe("matching over N shards", () => {
  it("produces the same matches on 2..5 shards as on one shard and as the reference", () => {
    fc.assert(
      fc.property(opsArb(160), fc.integer({ min: 2, max: 5 }), fc.integer({ min: 1, max: 8 }), (raw, n, cut) => {
        const ops = asRegistryIssues(raw);
        const one = run(new ShardedFabric(1), ops, cut);
        expect(one).toEqual(referenceEvaluate(ops));
        expect(run(new ShardedFabric(n), ops, cut)).toEqual(one);
      }),
      { numRuns: runs(1000) },
    );
  });

  it("a saved monitor's backtest on its home over 2..5 shards is the one shard's: copied history merged in by eventId", () => {
    fc.assert(
      fc.property(opsArb(160), fc.integer({ min: 2, max: 5 }), fc.integer({ min: 1, max: 8 }), (raw, n, cut) => {
        // eventIds grow with delivery here (repeats aside), as ingest's ULIDs do: the merge puts
        // the home's copy of a followed stream's history back where those facts were delivered.
        const ops = asRegistryIssues(raw);
        const one = new ShardedFabric(1);
        const many = new ShardedFabric(n);
        run(one, ops, cut);
        run(many, ops, cut);
        for (const id of MONITOR_IDS) expect(many.backtest(id)).toEqual(one.backtest(id));
      }),
      { numRuns: runs(500) },
    );
  });

  it("homes a multi-stream monitor on its first stream's shard and seeds the followed stream", () => {
    const fabric = new ShardedFabric(3);
    const a = "market_price:AAA";
    const b = "portfolio_nav_usd:pf-9";
    expect(fabric.shardFor(a)).not.toBe(fabric.shardFor(b));
    const fact = (seq: number, key: string, value: number): AcceptedFact =>
      key === a
        ? {
            kind: "market_price",
            subject: { symbol: "AAA" },
            data: { price: value },
            observedAt: 1000 * seq,
            eventId: `e${seq}`,
            producerId: "p",
            receivedAt: 0,
            streamKey: a,
          }
        : {
            kind: "portfolio_nav_usd",
            subject: { portfolioId: "pf-9" },
            data: { value },
            observedAt: 1000 * seq,
            eventId: `e${seq}`,
            producerId: "p",
            receivedAt: 0,
            streamKey: b,
          };
    fabric.applyBatch([fact(1, b, 50), fact(2, b, 150)]);
    fabric.upsert({
      monitorId: "m1",
      version: 1,
      workflowId: "wf",
      ownerUserId: "u",
      linkedPortfolioIds: [],
      enabled: true,
      fire: { mode: "edge", cooldownMs: 0, once: false },
      predicate: {
        all: [
          { stream: { kind: "market_price", subject: { symbol: "AAA" } }, field: "price", op: "gt", value: 10 },
          {
            stream: { kind: "portfolio_nav_usd", subject: { portfolioId: "pf-9" } },
            field: "value",
            op: "gt",
            value: 0,
            change: { windowMs: 1000, mode: "abs" },
          },
        ],
      },
    });
    const home = fabric.shards[fabric.shardFor(a)];
    expect(home?.core.loadEngine().monitorCount()).toBe(1);
    expect(fabric.followers()[b]).toEqual([fabric.shardFor(a)]);
    // The nav change over 1 s is evaluated from history seeded before the monitor existed.
    expect(fabric.applyBatch([fact(3, a, 20)])).toEqual([]);
    expect(fabric.applyBatch([fact(4, b, 160)]).map((m) => m.matchId)).toEqual(["m1~1~e4"]);
  });
});
