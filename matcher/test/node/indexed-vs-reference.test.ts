import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { referenceEvaluate } from "../../src/engine/reference";
import { opsArb, runs } from "./arbitraries";
import { runIndexed } from "./harness";

describe("indexed engine ≡ reference evaluator", () => {
  it("produces exactly the reference's matches on random monitors and fact sequences", () => {
    fc.assert(
      fc.property(opsArb(200), (ops) => {
        expect(runIndexed(ops)).toEqual(referenceEvaluate(ops));
      }),
      { numRuns: runs(4000) },
    );
  });
});
