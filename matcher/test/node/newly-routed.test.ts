import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AcceptedFact } from "../../../shared/src/facts";
import { newlyRouted, routeFacts } from "../../src/route-facts";

const SHARDS = 4;
const KEYS = ["market_price:A", "market_price:B", "market_price:C", "market_price:D", "market_price:E"];

const fact = (key: string, i: number): AcceptedFact => ({
  kind: "market_price",
  subject: { symbol: key.slice(-1) },
  data: { price: i },
  observedAt: i,
  eventId: `e${String(i).padStart(6, "0")}`,
  producerId: "p",
  receivedAt: i,
  streamKey: key,
});

const followerMap = fc.dictionary(
  fc.constantFrom(...KEYS),
  fc.uniqueArray(fc.integer({ min: 0, max: SHARDS - 1 }), { maxLength: 3 }),
);
const ids = (m: Map<number, AcceptedFact[]>, n: number) => (m.get(n) ?? []).map((f) => f.eventId);

describe("facts a follow set mid-batch adds (newlyRouted)", () => {
  it("are exactly what the new map routes and the old one did not, per shard in delivery order (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...KEYS), { maxLength: 40 }),
        followerMap,
        followerMap,
        (keys, before, after) => {
          const facts = keys.map(fact);
          const old = routeFacts(facts, SHARDS, before);
          const now = routeFacts(facts, SHARDS, after);
          const added = newlyRouted(facts, SHARDS, before, after);
          for (let n = 0; n < SHARDS; n++) {
            const had = new Set(ids(old, n));
            expect(ids(added, n)).toEqual(ids(now, n).filter((id) => !had.has(id)));
          }
          for (const list of added.values()) expect(list.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("is nothing when the map only lost followers or did not change", () => {
    const facts = KEYS.map(fact);
    const map = { "market_price:A": [1, 2] };
    expect(newlyRouted(facts, SHARDS, map, map).size).toBe(0);
    expect(newlyRouted(facts, SHARDS, map, { "market_price:A": [1] }).size).toBe(0);
  });
});
