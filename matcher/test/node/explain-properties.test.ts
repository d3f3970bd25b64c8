import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ExplainRow } from "../../../shared/src/contract/explain";
import type { AcceptedFact } from "../../../shared/src/facts";
import { referenceEvaluate } from "../../src/engine/reference";
import { explainPage } from "../../src/explain/explain-page";
import { backtest } from "../../src/shard/backtest";
import { buildOps, definition, factStepArb, monitorBodyArb, runs } from "./arbitraries";
import { checkRows } from "./explain-oracle";

/** One monitor and a fact log (late facts and repeats included), as the stored log would hold them. */
const caseArb = fc.record({
  body: monitorBodyArb,
  raw: fc.array(
    fc.oneof(
      { arbitrary: fc.record({ t: fc.constant("fact" as const), step: factStepArb }), weight: 12 },
      { arbitrary: fc.record({ t: fc.constant("dup" as const), back: fc.nat() }), weight: 1 },
    ),
    { minLength: 1, maxLength: 120 },
  ),
  window: fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 80 })),
});

function factsOf(raw: Parameters<typeof buildOps>[0]): AcceptedFact[] {
  return buildOps(raw).flatMap((op) => (op.type === "fact" ? [op.fact] : []));
}

function allRows(def: Parameters<typeof explainPage>[0], facts: AcceptedFact[], range = {}): ExplainRow[] {
  const out = explainPage(def, facts, { ...range, limit: 1000 });
  if (!("page" in out)) throw new Error(out.badCursor);
  return out.page.rows;
}

/** Rows that fired, or would have for a disabled monitor. */
const fired = (r: ExplainRow) =>
  r.decision.outcome === "matched" || r.decision.reason === "disabled; would have matched";

describe("explain ≡ backtest ≡ reference", () => {
  it("fires on exactly the facts the backtest and the reference evaluator match, in any range", () => {
    fc.assert(
      fc.property(caseArb, ({ body, raw, window }) => {
        const def = definition("m-a", 3, body);
        const facts = factsOf(raw);
        const from = 1_000_000 + window[0] * 500;
        const to = from + window[1] * 500;
        const rows = allRows(def, facts, { from, to });
        const backtested = backtest(def, facts, from, to).map((m) => m.eventId);
        expect(rows.filter(fired).map((r) => r.eventId)).toEqual(backtested);
        const reference = referenceEvaluate([
          { type: "upsert", def },
          ...facts.map((fact) => ({ type: "fact" as const, fact })),
        ])
          .filter((m) => m.observedAt >= from && m.observedAt <= to)
          .map((m) => m.matchId);
        const matched = rows.flatMap((r) => (r.decision.outcome === "matched" ? [r.decision.matchId] : []));
        expect(matched).toEqual(reference);
      }),
      { numRuns: runs(400) },
    );
  });
});

describe("explain's reasons agree with its truths", () => {
  it("rows are the evaluations, with the values, truths and decisions DESIGN §8 gives", () => {
    fc.assert(
      fc.property(caseArb, ({ body, raw }) => {
        const def = definition("m-a", 1, body);
        const facts = factsOf(raw);
        checkRows(def, facts, allRows(def, facts));
      }),
      { numRuns: runs(400) },
    );
  });

  it("pages with any limit concatenate to the unpaged rows", () => {
    fc.assert(
      fc.property(caseArb, fc.integer({ min: 1, max: 30 }), ({ body, raw, window }, limit) => {
        const def = definition("m-a", 1, body);
        const facts = factsOf(raw);
        const range = { from: 1_000_000 + window[0] * 500 };
        const whole = allRows(def, facts, range);
        const paged: ExplainRow[] = [];
        let cursor: string | undefined;
        for (let pages = 0; pages < 1000; pages++) {
          const out = explainPage(def, facts, { ...range, limit, ...(cursor ? { cursor } : {}) });
          if (!("page" in out)) throw new Error(out.badCursor);
          expect(out.page.rows.length).toBeLessThanOrEqual(limit);
          paged.push(...out.page.rows);
          cursor = out.page.nextCursor ?? undefined;
          if (!cursor) break;
          expect(out.page.rows.length).toBe(limit);
        }
        expect(paged).toEqual(whole);
      }),
      { numRuns: runs(200) },
    );
  });
});
