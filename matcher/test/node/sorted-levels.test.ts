import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MinHeap, SortedLevels } from "../../src/engine/sorted-levels";
import { runs } from "./arbitraries";

function naiveLowerBound(keys: number[], k: number, strict: boolean): number {
  const i = keys.findIndex((v) => (strict ? v > k : v >= k));
  return i < 0 ? keys.length : i;
}

describe("sorted levels", () => {
  it("answers lowerBound like a linear scan, whatever the previous query was", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -20, max: 20 }), { maxLength: 60 }),
        fc.array(fc.tuple(fc.integer({ min: -25, max: 25 }), fc.boolean()), { minLength: 1, maxLength: 40 }),
        (levels, queries) => {
          const s = new SortedLevels<number>();
          for (const [i, k] of levels.entries()) s.insert(k, i);
          const keys = [...levels].sort((a, b) => a - b);
          expect(s.keys).toEqual(keys);
          for (const [k, strict] of queries) expect(s.lowerBound(k, strict)).toBe(naiveLowerBound(keys, k, strict));
        },
      ),
      { numRuns: runs(500) },
    );
  });

  it("removes, takes suffixes and prefixes, and pops timers in key order", () => {
    const s = new SortedLevels<string>();
    for (const [k, v] of [
      [3, "c"],
      [1, "a"],
      [2, "b"],
      [2, "b2"],
    ] as const)
      s.insert(k, v);
    expect(s.remove(2, "b")).toBe(true);
    expect(s.remove(2, "zz")).toBe(false);
    expect(s.takeFrom(2)).toEqual(["b2", "c"]);
    expect(s.takeUpTo(1)).toEqual(["a"]);
    expect(s.size).toBe(0);
    const h = new MinHeap<string>();
    for (const [k, v] of [
      [5, "e"],
      [1, "a"],
      [3, "c"],
    ] as const)
      h.push(k, v);
    expect(h.popUpTo(3)).toEqual(["a", "c"]);
    expect(h.minKey()).toBe(5);
  });

  it("keeps a heap whose entries can be removed anywhere equal to a sorted list", () => {
    // Ops: push (key, item) of an item not in the heap (as the engine uses it: one entry per
    // monitor), remove an item, pop everything up to a key. The model is a plain list.
    const op = fc.oneof(
      fc.record({ t: fc.constant("push" as const), k: fc.integer({ min: 0, max: 30 }), item: fc.nat(12) }),
      fc.record({ t: fc.constant("remove" as const), item: fc.nat(12) }),
      fc.record({ t: fc.constant("pop" as const), k: fc.integer({ min: 0, max: 30 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
        const h = new MinHeap<number>();
        let model: [number, number][] = [];
        for (const o of ops) {
          if (o.t === "push") {
            if (model.some(([, item]) => item === o.item)) continue;
            h.push(o.k, o.item);
            model.push([o.k, o.item]);
          } else if (o.t === "remove") {
            const at = model.findIndex(([, item]) => item === o.item);
            expect(h.remove(o.item)).toBe(at >= 0);
            if (at >= 0) model.splice(at, 1);
          } else {
            const keyOf = new Map(model.map(([k, item]) => [item, k]));
            const popped = h.popUpTo(o.k);
            const due = model.filter(([k]) => k <= o.k).map(([, item]) => item);
            model = model.filter(([k]) => k > o.k);
            expect([...popped].sort()).toEqual(due.sort());
            // In key order (equal keys in any order).
            const keys = popped.map((item) => keyOf.get(item) as number);
            expect(keys).toEqual([...keys].sort((a, b) => a - b));
          }
          expect(h.size).toBe(model.length);
          expect(h.minKey()).toBe(Math.min(Number.POSITIVE_INFINITY, ...model.map(([k]) => k)));
        }
      }),
      { numRuns: runs(500) },
    );
  });
});
