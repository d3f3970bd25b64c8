import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AcceptedFact } from "../../../shared/src/facts";
import { factPage } from "../../src/shard/fact-page";

const fact = (observedAt: number, n: number): AcceptedFact => ({
  kind: "market_price",
  subject: { symbol: "PAGE-USD" },
  observedAt,
  data: { price: 1 + n },
  eventId: `01K${String(n).padStart(23, "0")}`,
  producerId: "p",
  receivedAt: 0,
  streamKey: "market_price:PAGE-USD",
});

/** Every page of `facts`, following nextCursor to the end. */
function allPages(facts: AcceptedFact[], order: "asc" | "desc", limit: number): AcceptedFact[] {
  const out: AcceptedFact[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = factPage(facts, { limit, order, ...(cursor ? { cursor } : {}) });
    out.push(...page.facts);
    if (!page.nextCursor) return out;
    cursor = page.nextCursor;
  }
}

describe("a stream's fact pages", () => {
  it("newest first (order desc) pages through the same facts as oldest first, reversed", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 60 }),
        fc.integer({ min: 1, max: 7 }),
        (times, limit) => {
          const facts = times.map((t, i) => fact(t, i));
          const asc = allPages(facts, "asc", limit);
          expect(asc.map((f) => f.observedAt)).toEqual([...times].sort((a, b) => a - b));
          expect(allPages(facts, "desc", limit).map((f) => f.eventId)).toEqual(asc.map((f) => f.eventId).reverse());
        },
      ),
    );
  });

  it("pages a log-ordered stream (in order but for a few stale facts, or reversed) as the sorted one", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 3 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 7 }),
        (n, stale, reversed, limit) => {
          // Non-decreasing times (ties too), then a few late (stale) ones anywhere after.
          const inLog = Array.from({ length: n }, (_, i) => Math.floor(i / 2));
          const times = [...inLog, ...stale];
          const facts = times.map((t, i) => fact(t, i));
          const logged = reversed ? [...facts].reverse() : facts;
          const sorted = [...facts].sort((a, b) => a.observedAt - b.observedAt || (a.eventId < b.eventId ? -1 : 1));
          expect(allPages(logged, "asc", limit).map((f) => f.eventId)).toEqual(sorted.map((f) => f.eventId));
          expect(allPages(logged, "desc", limit).map((f) => f.eventId)).toEqual(sorted.map((f) => f.eventId).reverse());
        },
      ),
    );
  });

  it("starts a desc read at the newest fact", () => {
    const facts = [fact(5, 0), fact(9, 1), fact(1, 2)];
    expect(factPage(facts, { limit: 1, order: "desc" }).facts.map((f) => f.observedAt)).toEqual([9]);
  });
});
