import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AcceptedFact } from "../../../shared/src/facts";
import { ReferenceEvaluator } from "../../src/engine/reference";
import type { MonitorStep } from "../../src/engine/reference-observer";
import { seriesRetention } from "../../src/explain/series-retention";
import { buildOps, definition, factStepArb, monitorBodyArb, plainMonitorAndLog, runs } from "./arbitraries";

/** Every observed step, without the series lengths (exact only during warm-up under retention). */
function steps(evaluator: ReferenceEvaluator, def: Parameters<typeof seriesRetention>[0], facts: AcceptedFact[]) {
  const seen: unknown[] = [];
  const observe = (s: MonitorStep) =>
    seen.push({ ...s, conditions: s.conditions.map(({ seriesLength, operandSeriesLength, ...rest }) => rest) });
  evaluator.apply({ type: "upsert", def });
  const matches = facts.flatMap((fact) => evaluator.apply({ type: "fact", fact }, observe));
  return { seen, matches };
}

describe("explain's series retention", () => {
  it("drops only samples the one replayed monitor can no longer read: every step and match is the same", () => {
    fc.assert(
      fc.property(
        monitorBodyArb,
        fc.array(fc.record({ t: fc.constant("fact" as const), step: factStepArb }), { minLength: 150, maxLength: 500 }),
        (body, raw) => {
          const def = { ...definition("m-a", 1, body), enabled: true };
          const facts = buildOps(raw).flatMap((op) => (op.type === "fact" ? [op.fact] : []));
          const whole = steps(new ReferenceEvaluator(), def, facts);
          const bounded = new ReferenceEvaluator({ dedupe: false, retain: seriesRetention(def) });
          expect(steps(bounded, def, facts)).toEqual(whole);
        },
      ),
      { numRuns: runs(150) },
    );
  });

  it("keeps a plain series to a few samples however long the log", () => {
    const { def, facts } = plainMonitorAndLog(5000);
    const bounded = new ReferenceEvaluator({ dedupe: false, retain: seriesRetention(def) });
    const whole = new ReferenceEvaluator();
    steps(bounded, def, facts);
    steps(whole, def, facts);
    expect(bounded.approxBytes()).toBeLessThan(1024 + 64 * 100 + 512);
    expect(whole.approxBytes()).toBeGreaterThan(64 * 5000);
  });
});
