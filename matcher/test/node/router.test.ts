import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AcceptedFact } from "../../../shared/src/facts";
import { referenceEvaluate } from "../../src/engine/reference";
import { Router } from "../../src/engine/router";
import type { Match, Op } from "../../src/engine/types";
import { opsArb, runs } from "./arbitraries";

/** Feeds ops to a router, facts in batches of consecutive fact ops. */
function runRouter(router: Router, ops: Op[], batchCut: number): Match[] {
  const matches: Match[] = [];
  let batch: AcceptedFact[] = [];
  const flush = () => {
    if (batch.length > 0) matches.push(...router.applyBatch(batch).matches);
    batch = [];
  };
  for (const op of ops) {
    if (op.type === "fact") {
      batch.push(op.fact);
      if (batch.length >= batchCut) flush();
      continue;
    }
    flush();
    if (op.type === "upsert") router.upsertMonitor(op.def);
    else router.removeMonitor(op.monitorId);
  }
  flush();
  return matches;
}

describe("router over N shards", () => {
  it("produces the same matches on 2..5 shards as on one shard and as the reference", () => {
    fc.assert(
      fc.property(opsArb(160), fc.integer({ min: 2, max: 5 }), fc.integer({ min: 1, max: 8 }), (ops, n, cut) => {
        const one = runRouter(new Router(1), ops, cut);
        expect(one).toEqual(referenceEvaluate(ops));
        expect(runRouter(new Router(n), ops, cut)).toEqual(one);
      }),
      { numRuns: runs(1000) },
    );
  });

  it("homes a multi-stream monitor on its first stream's shard and seeds the followed stream", () => {
    const router = new Router(3);
    const a = "market_price:AAA";
    const b = "portfolio_nav_usd:pf-9";
    expect(router.shardFor(a)).not.toBe(router.shardFor(b));
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
    router.applyBatch([fact(1, b, 50), fact(2, b, 150)]);
    router.upsertMonitor({
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
    const home = router.shards[router.shardFor(a)];
    expect(home?.engine.monitorCount()).toBe(1);
    expect(router.shards[router.shardFor(b)]?.followers(b)).toEqual([router.shardFor(a)]);
    // The nav change over 1 s is evaluated from history seeded before the monitor existed.
    expect(router.applyBatch([fact(3, a, 20)]).matches).toEqual([]);
    const { matches } = router.applyBatch([fact(4, b, 160)]);
    expect(matches.map((m) => m.matchId)).toEqual(["m1~1~e4"]);
  });
});
