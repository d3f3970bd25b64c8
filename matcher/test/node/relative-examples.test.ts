import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { placementOf } from "../../../shared/src/contract/placement";
import type { AcceptedFact } from "../../../shared/src/facts";
import type { MonitorDefinition } from "../../../shared/src/monitor";
import type { Condition } from "../../../shared/src/predicate";
import { referenceEvaluate } from "../../src/engine/reference";
import type { Op } from "../../src/engine/types";
import { backtest } from "../../src/shard/backtest";
import { definition, factStepArb, makeFact, monitorBodyArb, runs } from "./arbitraries";
import { cond, matched, monitor, prices } from "./example-ops";
import { runIndexed } from "./harness";
import { ShardedFabric } from "./sharded-fabric";

function quote(symbol: string, at: number, data: { price: number; bid?: number; ask?: number }, eventId: string): Op {
  const fact: AcceptedFact = {
    kind: "market_price",
    subject: { symbol },
    data,
    observedAt: at,
    eventId,
    producerId: "p",
    receivedAt: at,
    streamKey: `market_price:${symbol}`,
  };
  return { type: "fact", fact };
}

function on(symbol: string, c: Omit<Condition, "stream">): Condition {
  return { stream: { kind: "market_price", subject: { symbol } }, ...c };
}

describe("relative conditions", () => {
  it("same stream, two fields: ask − bid spread above 0.5 % as ask > 1.005 × bid", () => {
    const spread = on("X", { field: "ask", op: "gt", value: { field: "bid", times: 1.005 } });
    const ops = [
      monitor(spread),
      quote("X", 1000, { price: 100, bid: 100, ask: 100.4 }, "q0"),
      quote("X", 2000, { price: 100, bid: 100, ask: 100.6 }, "q1"), // 100.6 > 100.5: fires
      quote("X", 3000, { price: 100, bid: 100, ask: 100.7 }, "q2"), // still true: edge, no match
      quote("X", 4000, { price: 100, bid: 100, ask: 100.1 }, "q3"),
      quote("X", 5000, { price: 100, bid: 99, ask: 100 }, "q4"), // 100 > 99.495: fires again
    ];
    expect(matched(ops)).toEqual(["q1", "q4"]);
  });

  it("two streams on two shards: the ETH/BTC ratio crossing 0.05, as ETH crossing 0.05 × BTC", () => {
    const def: MonitorDefinition = {
      monitorId: "ratio",
      version: 1,
      workflowId: "wf",
      ownerUserId: "u",
      linkedPortfolioIds: [],
      predicate: on("ETH-USD", {
        field: "price",
        op: "crosses_above",
        value: { stream: { kind: "market_price", subject: { symbol: "BTC-USD" } }, field: "price", times: 0.05 },
      }),
      fire: { mode: "edge", cooldownMs: 0, once: false },
      enabled: true,
    };
    const facts = [
      quote("BTC-USD", 1000, { price: 100_000 }, "b0"),
      quote("ETH-USD", 1000, { price: 4_900 }, "e0"), // d = −100 (first evaluation: no previous)
      quote("ETH-USD", 2000, { price: 5_100 }, "e1"), // d = +100: crosses
      quote("BTC-USD", 3000, { price: 103_000 }, "b1"), // d = −50
      quote("BTC-USD", 4000, { price: 100_000 }, "b2"), // d = +100: crosses, on a BTC fact
    ];
    const ops: Op[] = [{ type: "upsert", def }, ...facts];
    const fabric = new ShardedFabric(5);
    const placement = placementOf(def, 5);
    expect(placement.followed.map((f) => f.streamKey)).toEqual(["market_price:BTC-USD"]);
    fabric.upsert(def);
    const live = fabric.applyBatch(facts.map((f) => (f as Op & { type: "fact" }).fact));
    expect(live).toEqual(referenceEvaluate(ops));
    expect(live.map((m) => m.eventId)).toEqual(["e1", "b2"]);
  });

  it("a relative crossing with hysteresis re-arms only once d has gone back to −h", () => {
    // price crosses above bid + 2 with hysteresis 1: d = price − bid − 2.
    const c = on("X", { field: "price", op: "crosses_above", value: { field: "bid", plus: 2 }, hysteresis: 1 });
    const q = (i: number, price: number) => quote("X", 1000 * (i + 1), { price, bid: 10 }, `q${i}`);
    // d: −1, +1 (fires), −0.5, +1 (not re-armed), −1 (re-arms), +1 (fires)
    const ops = [monitor(c), q(0, 11), q(1, 13), q(2, 11.5), q(3, 13), q(4, 11), q(5, 13)];
    expect(matched(ops)).toEqual(["q1", "q5"]);
  });

  it("the right side is times × operand + plus (times applies to the operand only)", () => {
    // ask > 2 × bid + 1: bid 10 → right side 21 (not 2 × (10 + 1) = 22), so ask 21.5 is above it.
    const c = on("X", { field: "ask", op: "gt", value: { field: "bid", times: 2, plus: 1 } });
    const ops = [
      monitor(c),
      quote("X", 1000, { price: 1, bid: 10, ask: 20 }, "q0"),
      quote("X", 2000, { price: 1, bid: 10, ask: 21.5 }, "q1"),
    ];
    expect(matched(ops)).toEqual(["q1"]);
  });

  it("the golden cross: sma(2) crossing above sma(4) of the same series", () => {
    const golden = cond(
      "crosses_above",
      {
        field: "price",
        indicator: { kind: "sma", samples: 4 },
      },
      { indicator: { kind: "sma", samples: 2 } },
    );
    // sma2 − sma4: p3 (10,10,10,10) 0; p4 (…,10,14): 12 − 11 = 1 > 0 after 0: crosses.
    expect(matched([monitor(golden), ...prices(10, 10, 10, 10, 14)])).toEqual(["p4"]);
  });
});

describe("expiry", () => {
  it("a fact observed at or after expiresAt evaluates nothing; an earlier fact of another stream still does", () => {
    const either = { any: [cond("gt", 10), on("Y", { field: "price", op: "gt", value: 10 })] };
    const ops = [
      monitor(either, { mode: "level" }, { expiresAt: 1_002_000 }),
      ...prices(5, 20), // p1 at 1,001,000: fires
      quote("BTC", 1_002_000, { price: 30 }, "late"), // at expiresAt: nothing
      quote("Y", 1_001_500, { price: 30 }, "y0"), // earlier than expiresAt: evaluated, fires
      quote("Y", 1_002_500, { price: 40 }, "y1"),
    ];
    expect(matched(ops)).toEqual(["p1", "y0"]);
  });

  it("a relative crossing keeps the previous d that an expired evaluation left, across a restore", () => {
    // d = X − Y, expiresAt 10 s. X moves at 10 s (evaluates nothing: d stays −5 as the previous),
    // the engine restarts, then a Y fact observed at 3 s (before expiresAt) makes d = 20 − 8 = 12:
    // a crossing from −5. Deriving the previous d from the sides after the restart (20 − 10 = 10)
    // would miss it.
    const c = on("X", {
      field: "price",
      op: "crosses_above",
      value: { stream: { kind: "market_price", subject: { symbol: "Y" } }, field: "price" },
    });
    const ops = [
      monitor(c, {}, { expiresAt: 10_000 }),
      quote("Y", 1000, { price: 10 }, "y0"),
      quote("X", 2000, { price: 5 }, "x0"),
      quote("X", 10_000, { price: 20 }, "x1"),
      quote("Y", 3000, { price: 8 }, "y1"),
    ];
    expect(referenceEvaluate(ops).map((m) => m.eventId)).toEqual(["y1"]);
    expect(runIndexed(ops, new Set([3]))).toEqual(referenceEvaluate(ops));
  });
});

describe("backtest ≡ live", () => {
  it("a monitor backtested over the log matches as the live engine did from the log's start", () => {
    fc.assert(
      fc.property(monitorBodyArb, fc.array(factStepArb, { minLength: 1, maxLength: 80 }), (body, steps) => {
        const def = definition("m-a", 1, { ...body, enabled: true });
        let at = 1_000_000;
        const facts = steps.map((s, i) => {
          at = Math.max(1_000_000, at + s.dt);
          return makeFact(s, i, at);
        });
        const live = referenceEvaluate([
          { type: "upsert", def },
          ...facts.map((fact) => ({ type: "fact" as const, fact })),
        ]);
        const streams = new Set(placementOf(def, 1).streams);
        expect(
          backtest(
            def,
            facts.filter((f) => streams.has(f.streamKey)),
          ),
        ).toEqual(live);
      }),
      { numRuns: runs(500) },
    );
  });
});
