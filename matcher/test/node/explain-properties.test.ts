import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ExplainRow } from "../../../shared/src/contract/explain";
import type { AcceptedFact } from "../../../shared/src/facts";
import type { Predicate } from "../../../shared/src/predicate";
import { referenceEvaluate } from "../../src/engine/reference";
import { explainPage } from "../../src/explain/explain-page";
import { backtest } from "../../src/shard/backtest";
import { buildOps, definition, factStepArb, monitorBodyArb, runs } from "./arbitraries";

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

function evalTree(p: Predicate, truths: boolean[], at = { i: 0 }): boolean {
  if ("all" in p) return p.all.map((q) => evalTree(q, truths, at)).every(Boolean);
  if ("any" in p) return p.any.map((q) => evalTree(q, truths, at)).some(Boolean);
  if ("not" in p) return !evalTree(p.not, truths, at);
  return truths[at.i++] ?? false;
}

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
  it("states each row's truth as the predicate over its conditions, and carries unevaluated ones", () => {
    fc.assert(
      fc.property(caseArb, ({ body, raw }) => {
        const def = definition("m-a", 1, body);
        const rows = allRows(def, factsOf(raw));
        let previous: boolean[] | undefined;
        for (const row of rows) {
          const truths = row.conditions.map((c) => c.truth);
          expect(row.conditions.map((c) => c.index)).toEqual(truths.map((_, i) => i));
          expect(row.truth).toBe(evalTree(def.predicate, truths));
          for (const c of row.conditions) {
            expect(c.evaluated).toBe(c.reason !== "not sampled by this fact");
            if (!c.evaluated) expect(c.truth).toBe(previous?.[c.index] ?? false);
            if (c.reason.startsWith("crossed from")) {
              const cond = conditionAt(def.predicate, c.index);
              expect(c.truth).toBe(true);
              expect(c.previous).not.toBeNull();
              expect(c.compared).not.toBeNull();
              const [p, v, level] = [c.previous ?? 0, c.compared ?? 0, cond.value as number];
              expect(cond.op === "crosses_above" ? p <= level && v > level : p >= level && v < level).toBe(true);
            }
          }
          if (row.decision.outcome === "matched") expect(row.truth).toBe(true);
          if (row.decision.outcome === "false") expect(row.truth).toBe(false);
          if (row.decision.outcome === "suppressed") expect(row.truth).toBe(true);
          previous = truths;
        }
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

function conditionAt(p: Predicate, index: number) {
  const leaves: Exclude<Predicate, { all: unknown } | { any: unknown } | { not: unknown }>[] = [];
  const walk = (q: Predicate): void => {
    if ("all" in q) q.all.forEach(walk);
    else if ("any" in q) q.any.forEach(walk);
    else if ("not" in q) walk(q.not);
    else leaves.push(q);
  };
  walk(p);
  const leaf = leaves[index];
  if (!leaf) throw new Error(`no condition ${index}`);
  return leaf;
}
