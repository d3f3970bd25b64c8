import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { referenceEvaluate } from "../../src/engine/reference";
import { opsArb } from "./arbitraries";
import { runIndexed } from "./harness";

const runs = Number(process.env.MATCHER_RUNS ?? 400);

describe("engine persistence", () => {
  it("continues with the same matches after restoring from takeDirty state at any point", () => {
    fc.assert(
      fc.property(opsArb(160), fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), (ops, cuts) => {
        const restoreAt = new Set(cuts.map((c) => c % ops.length));
        expect(runIndexed(ops, restoreAt)).toEqual(referenceEvaluate(ops));
      }),
      { numRuns: runs },
    );
  });
});
