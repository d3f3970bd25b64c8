import { describe, expect, it } from "vitest";
import type { ExplainPage, ExplainRow } from "../../../shared/src/contract/explain";
import { placementOf } from "../../../shared/src/contract/placement";
import type { AcceptedFact } from "../../../shared/src/facts";
import type { MonitorDefinition } from "../../../shared/src/monitor";
import { shardName } from "../../../shared/src/streams";
import { explainPage } from "../../src/explain/explain-page";
import { mergeLogs } from "../../src/explain/fact-merge";
import { menv } from "./helpers";

/**
 * A draft reading two streams that live on two different shards (SHARD_COUNT 4 in this project):
 * its home reads the other stream from its owner by RPC and replays both merged (fact-merge.ts).
 * The draft is a ratio, A's price against 0.05 × B's price, which can only ever fire with both.
 */
const SHARDS = 4;
const A = { kind: "market_price", subject: { symbol: "XRAT-A" } } as const;
const B = { kind: "market_price", subject: { symbol: "XRAT-B" } } as const;
const T0 = Date.parse("2026-12-01T10:00:00Z");

/** Facts with eventIds e1…e6 (acceptance order), each stream's in its own shard's apply order. */
function fact(stream: typeof A | typeof B, n: number, price: number): AcceptedFact {
  return {
    ...stream,
    data: { price },
    observedAt: T0 + n * 60_000,
    eventId: `01XRAT${String(n).padStart(20, "0")}`,
    producerId: "p",
    receivedAt: T0,
    streamKey: `market_price:${stream.subject.symbol}`,
  };
}
const aFacts = [fact(A, 2, 90), fact(A, 4, 70), fact(A, 5, 85)];
const bFacts = [fact(B, 1, 2000), fact(B, 3, 1600), fact(B, 6, 1800)];

function ratioDraft(monitorId: string): MonitorDefinition {
  return {
    monitorId,
    version: 1,
    workflowId: "wf-ratio",
    ownerUserId: "u-1",
    linkedPortfolioIds: [],
    predicate: { stream: A, field: "price", op: "crosses_above", value: { stream: B, field: "price", times: 0.05 } },
    fire: { mode: "edge", cooldownMs: 0, once: false },
    enabled: true,
  };
}

const shard = (n: number) => menv.SHARDS.get(menv.SHARDS.idFromName(shardName(n)));

async function pageOf(def: MonitorDefinition, range: { limit?: number; cursor?: string }, pull = true) {
  const place = placementOf(def, SHARDS);
  const out = await shard(place.home).explain(def, place.streams, range, pull ? place.followed : undefined);
  if (!("page" in out)) throw new Error(out.badCursor);
  return out.page as ExplainPage;
}

/** The streams a definition reads, as the registry passes them to its home. */
const keys = (def: MonitorDefinition) => placementOf(def, SHARDS).streams;

describe("a draft's explain reads streams of other shards", () => {
  it("equals the explain of the merged fact sequence, fires where the ratio crosses, and pages alike", async () => {
    const def = ratioDraft("draft-ratio");
    const place = placementOf(def, SHARDS);
    expect(place.followed).toEqual([{ streamKey: "market_price:XRAT-B", owner: 3 }]);
    expect(place.home).toBe(2);
    await shard(2).applyFacts(aFacts);
    await shard(3).applyFacts(bFacts);

    const page = await pageOf(def, { limit: 100 });
    const reference = explainPage(def, mergeLogs([aFacts, bFacts]), { limit: 100 });
    expect("page" in reference && reference.page.rows).toEqual(page.rows);
    expect(page.rows.map((r) => r.eventId.slice(-1))).toEqual(["1", "2", "3", "4", "5", "6"]);
    // d = A − 0.05 × B: none, −10, +10 (crossed, at B's fact), −10, +5 (crossed), −5.
    expect(page.rows.map((r) => r.decision.outcome)).toEqual([
      "false",
      "false",
      "matched",
      "false",
      "matched",
      "false",
    ]);
    expect(page.matched).toBe(2);

    const paged: ExplainRow[] = [];
    let cursor: string | undefined;
    do {
      const p = await pageOf(def, { limit: 2, ...(cursor ? { cursor } : {}) });
      paged.push(...p.rows);
      cursor = p.nextCursor ?? undefined;
    } while (cursor);
    expect(paged).toEqual(page.rows);

    // Without the other stream (what the home alone holds) the ratio has no value and never fires.
    const alone = await pageOf(def, { limit: 100 }, false);
    expect(alone.rows.map((r) => r.eventId.slice(-1))).toEqual(["2", "4", "5"]);
    expect(alone.matched).toBe(0);
  });

  it("ignores a copy the home keeps of a pulled stream: reads it from its owner, merged", async () => {
    const def = ratioDraft("draft-ratio-stale");
    await shard(2).applyFacts(aFacts);
    await shard(3).applyFacts(bFacts);
    await shard(2).importFacts(bFacts.slice(0, 1)); // a copy frozen when a follower went away
    const page = await pageOf(def, { limit: 100 });
    expect(page.rows.map((r) => r.eventId.slice(-1))).toEqual(["1", "2", "3", "4", "5", "6"]);
    expect(page.matched).toBe(2);
  });

  it("reads a stream it is not told to pull from its own log (the home follows it for a saved monitor), copies merged by eventId", async () => {
    const def = ratioDraft("draft-ratio-held");
    await shard(2).applyFacts(aFacts); // a repeat when the test above ran: changes nothing
    // The history a saved monitor's registration copies in: appended after the home's own facts.
    await shard(2).importFacts(bFacts);
    expect((await shard(2).exportFacts(keys(def))).map((f) => f.eventId.slice(-1))).toEqual([
      "2",
      "4",
      "5",
      "1",
      "3",
      "6",
    ]);
    // Read from the home's log, the copied rows take their place by eventId: the rows pulling gives.
    const page = await pageOf(def, { limit: 100 }, false);
    const reference = explainPage(def, mergeLogs([aFacts, bFacts]), { limit: 100 });
    expect("page" in reference && reference.page.rows).toEqual(page.rows);
    expect(page.rows.map((r) => r.eventId.slice(-1))).toEqual(["1", "2", "3", "4", "5", "6"]);
    expect(page.matched).toBe(2);
    const paged: ExplainRow[] = [];
    let cursor: string | undefined;
    do {
      const p = await pageOf(def, { limit: 2, ...(cursor ? { cursor } : {}) }, false);
      paged.push(...p.rows);
      cursor = p.nextCursor ?? undefined;
    } while (cursor);
    expect(paged).toEqual(page.rows);
    // The saved monitor's backtest replays the home's log in that same order.
    const matches = await shard(2).backtest(def, keys(def));
    expect(matches.map((m) => m.eventId.slice(-1))).toEqual(["3", "5"]);
  });
});
