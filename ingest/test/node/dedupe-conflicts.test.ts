import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "../../../shared/src/canonical-json";
import type { Fact } from "../../../shared/src/facts";
import { contentDigest } from "../../src/content-digest";
import { findConflicts } from "../../src/dedupe-conflicts";

const fact = (price: number, extra: Partial<Fact> = {}): Fact =>
  ({ kind: "market_price", subject: { symbol: "BTC" }, observedAt: 1, data: { price }, ...extra }) as Fact;

describe("content digest", () => {
  it("does not depend on key order, and differs when any content field differs", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.integer(), { noNullPrototype: true }), (obj) => {
        const reversed = Object.fromEntries(Object.entries(obj).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(obj));
      }),
    );
    const base = contentDigest(fact(1));
    expect(contentDigest(fact(1, { dedupeKey: "other-key" }))).toBe(base);
    for (const other of [fact(2), fact(1, { observedAt: 2 }), fact(1, { subject: { symbol: "ETH" } })]) {
      expect(contentDigest(other)).not.toBe(base);
    }
  });
});

describe("findConflicts", () => {
  const ids = ["e0", "e0", "e0"];
  it("compares a repeat in one request with its first occurrence, a ledger duplicate with the recorded digest", () => {
    const facts = [
      { key: "k", digest: "a" },
      { key: "k", digest: "a" },
      { key: "k", digest: "b" },
    ];
    const fresh = [{ key: "k", status: "new" as const, eventId: "e0" }];
    expect(findConflicts(facts, [undefined, 0, 0], fresh, ids)).toEqual([{ index: 2, dedupeKey: "k", eventId: "e0" }]);
    const recordedB = [{ key: "k", status: "duplicate" as const, eventId: "e0", recordedDigest: "b" }];
    expect(findConflicts(facts, [undefined, 0, 0], recordedB, ids).map((c) => c.index)).toEqual([0, 1]);
  });

  it("never names a duplicate of a recorded fact whose digest is unknown", () => {
    const unknown = [{ key: "k", status: "duplicate" as const, eventId: "e0" }];
    expect(findConflicts([{ key: "k", digest: "z" }], [undefined], unknown, ids)).toEqual([]);
  });
});
