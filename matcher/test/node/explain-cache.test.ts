import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ExplainRow } from "../../../shared/src/contract/explain";
import type { AcceptedFact } from "../../../shared/src/facts";
import { ExplainCache } from "../../src/explain/explain-cache";
import { explainCached, type PositionedLog } from "../../src/explain/explain-cached";
import { explainPage } from "../../src/explain/explain-page";
import { buildOps, definition, factStepArb, monitorBodyArb, plainMonitorAndLog, runs } from "./arbitraries";

/** A stored log in memory: seq = index + 1, eventIds unique; counts the facts read. */
function memoryLog(facts: readonly AcceptedFact[]) {
  const reads = { count: 0 };
  const log: PositionedLog = function* (keys, at) {
    for (let i = at.seq; i < facts.length; i++) {
      const fact = facts[i] as AcceptedFact;
      if (!keys.includes(fact.streamKey)) continue;
      reads.count++;
      at.seq = i + 1;
      yield fact;
    }
  };
  return { log, reads };
}

const uniqueFactsArb = fc
  .array(fc.record({ t: fc.constant("fact" as const), step: factStepArb }), { minLength: 1, maxLength: 150 })
  .map((raw) => buildOps(raw).flatMap((op) => (op.type === "fact" ? [op.fact] : [])));

const KEYS = ["market_price:AAA", "market_price:BBB", "account_cash_usd:acc-1", "portfolio_nav_usd:pf-9"];

function pageAll(next: (cursor: string | undefined) => ReturnType<typeof explainPage>) {
  const rows: ExplainRow[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 1000; i++) {
    const out = next(cursor);
    if (!("page" in out)) throw new Error(out.badCursor);
    rows.push(...out.page.rows);
    cursor = out.page.nextCursor ?? undefined;
    if (!cursor) break;
  }
  return rows;
}

describe("explain pages continued from cached replays", () => {
  it("are the rows a replay from the start gives, for any page size and range", () => {
    fc.assert(
      fc.property(
        monitorBodyArb,
        uniqueFactsArb,
        fc.integer({ min: 1, max: 20 }),
        fc.nat(40),
        (body, facts, limit, skip) => {
          const def = definition("m-a", 1, body);
          const range = { from: 1_000_000 + skip * 500, limit };
          const { log } = memoryLog(facts);
          const cache = new ExplainCache();
          const cached = pageAll((cursor) =>
            explainCached(cache, def, KEYS, { ...range, ...(cursor ? { cursor } : {}) }, log, 1),
          );
          const replayed = pageAll((cursor) => explainPage(def, facts, { ...range, ...(cursor ? { cursor } : {}) }));
          expect(cached).toEqual(replayed);
        },
      ),
      { numRuns: runs(200) },
    );
  });

  const { def, facts } = plainMonitorAndLog(1000);

  it("reads only the next page's facts on a hit, and replays from the start on a miss", () => {
    const { log, reads } = memoryLog(facts);
    const cache = new ExplainCache();
    const first = explainCached(cache, def, KEYS, { limit: 100 }, log, 1);
    if (!("page" in first) || !first.page.nextCursor) throw new Error("a full first page");
    const cursor = first.page.nextCursor;
    reads.count = 0;
    const second = explainCached(cache, def, KEYS, { limit: 100, cursor }, log, 1);
    expect(reads.count).toBe(100); // the page's 99 new facts and the first fact past it
    reads.count = 0;
    const again = explainCached(cache, def, KEYS, { limit: 100, cursor }, log, 1); // taken: a miss
    expect(reads.count).toBe(201);
    expect(again).toEqual(second);
    reads.count = 0;
    explainCached(cache, def, KEYS, { limit: 100, cursor }, log, 2); // the log's start moved
    expect(reads.count).toBe(201);
  });

  it("holds at most its entry and byte bounds, least recently used out first", () => {
    const { log, reads } = memoryLog(facts);
    const cache = new ExplainCache({ entries: 3, bytes: 1_000_000 });
    const cursors = new Map<number, string>();
    for (let limit = 1; limit <= 5; limit++) {
      const out = explainCached(cache, def, KEYS, { limit }, log, 1);
      if ("page" in out && out.page.nextCursor) cursors.set(limit, out.page.nextCursor);
    }
    expect(cache.size.entries).toBe(3);
    const readsFor = (limit: number) => {
      reads.count = 0;
      explainCached(cache, def, KEYS, { limit: 1, cursor: cursors.get(limit) ?? "" }, log, 1);
      return reads.count;
    };
    expect(readsFor(5)).toBe(1); // kept: one fact read to find the row past the page
    expect(readsFor(1)).toBe(3); // evicted: replayed from the start to the row past the page
    const small = new ExplainCache({ entries: 10, bytes: 100 });
    explainCached(small, def, KEYS, { limit: 1 }, log, 1);
    expect(small.size).toEqual({ entries: 0, bytes: 0 });
  });
});
