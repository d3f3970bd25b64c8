import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ExplainRange, ExplainRow } from "../../../shared/src/contract/explain";
import { placementOf } from "../../../shared/src/contract/placement";
import type { AcceptedFact } from "../../../shared/src/facts";
import { referenceEvaluate } from "../../src/engine/reference";
import { ExplainCache } from "../../src/explain/explain-cache";
import { explainMerged, explainSources, type HomeLogReader } from "../../src/explain/explain-merged";
import { explainPage } from "../../src/explain/explain-page";
import { mergeLogs } from "../../src/explain/fact-merge";
import { backtest } from "../../src/shard/backtest";
import { type MemoryFactLog, memoryShardStorage } from "../../src/shard/memory-storage";
import { ShardCore } from "../../src/shard/shard-core";
import { buildOps, definition, factStepArb, monitorBodyArb, runs } from "./arbitraries";

/**
 * A home shard's log holds the facts delivered to it and, appended as they were copied, the
 * history of streams it follows (importFacts). A saved monitor's replay reads the delivered rows
 * and each stream's copied rows apart and merges them by eventId (fact-merge.ts), as a draft
 * pulling those streams from their owners would: its backtest (ShardCore.replayFacts) and its explain
 * (explainSources over the home's log, one page or paged by cursor, cached or replayed) must both
 * give what the reference evaluator and explainPage give over that merged order, which the test
 * builds from what it delivered and copied, not from the log.
 */

const stepArb = fc.record({
  step: factStepArb,
  /** eventIds in no particular order across the two paths (a copy comes long after its facts' acceptance). */
  rank: fc.integer({ min: 0, max: 999 }),
  copied: fc.boolean(),
  /** Repeat an earlier fact (the other path may already hold it: then it is dropped as known). */
  repeat: fc.option(fc.nat(), { freq: 8 }),
  cut: fc.boolean(),
});

const caseArb = fc.record({
  body: monitorBodyArb,
  steps: fc.array(stepArb, { minLength: 1, maxLength: 80, size: "max" }),
  window: fc.option(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 80 })), { nil: undefined }),
});

type Case = typeof caseArb extends fc.Arbitrary<infer C> ? C : never;

/** Applies the case's batches to a shard; returns the shard and the new facts each path logged, in order. */
function logCase(steps: Case["steps"]) {
  const built = buildOps(steps.map((s) => ({ t: "fact" as const, step: s.step }))).flatMap((op) =>
    op.type === "fact" ? [op.fact] : [],
  );
  const facts = built.map((f, i) => ({ ...f, eventId: `ev-${String(steps[i]?.rank).padStart(3, "0")}-${i}` }));
  const storage = memoryShardStorage();
  const core = new ShardCore(storage, { checkpointFacts: 5, log: () => {} });
  const logged = { delivered: [] as AcceptedFact[], copied: [] as AcceptedFact[] };
  const seen = new Set<string>();
  let batch: AcceptedFact[] = [];
  let copiedBatch = false;
  const flush = () => {
    if (copiedBatch) core.importFacts(batch, 0);
    else core.applyFacts(batch, 0);
    batch = [];
  };
  steps.forEach((s, i) => {
    const fact = s.repeat === null ? (facts[i] as AcceptedFact) : (facts[s.repeat % (i + 1)] as AcceptedFact);
    if (batch.length > 0 && (s.copied !== copiedBatch || s.cut)) flush();
    copiedBatch = s.copied;
    batch.push(fact);
    if (seen.has(fact.eventId)) return;
    seen.add(fact.eventId);
    logged[s.copied ? "copied" : "delivered"].push(fact);
  });
  flush();
  return { core, log: storage.facts, logged };
}

function homeReader(log: MemoryFactLog): HomeLogReader {
  return {
    read: (keys, after, limit, rows) => log.entries(keys, after, limit, rows),
    start: (keys) => log.start(keys),
    copiedStreams: (keys) => log.copiedStreams(keys),
  };
}

function rowsOf(out: Awaited<ReturnType<typeof explainMerged>>): { rows: ExplainRow[]; next: string | null } {
  if (!("page" in out)) throw new Error(out.badCursor);
  return { rows: out.page.rows, next: out.page.nextCursor };
}

const fired = (r: ExplainRow) =>
  r.decision.outcome === "matched" || r.decision.reason === "disabled; would have matched";

describe("a saved monitor's replay of a log with copied rows", () => {
  it("backtest, explain (paged, cached or not) and the reference agree over delivered ⊕ each stream's copies by eventId", async () => {
    await fc.assert(
      fc.asyncProperty(
        caseArb,
        fc.integer({ min: 1, max: 25 }),
        fc.integer({ min: 1, max: 6 }),
        fc.boolean(),
        async ({ body, steps, window }, limit, chunk, keepCache) => {
          const def = definition("m-a", 1, body);
          const keys = placementOf(def, 1).streams;
          const { core, log, logged } = logCase(steps);
          const ofKeys = (facts: AcceptedFact[]) => facts.filter((f) => keys.includes(f.streamKey));
          const copies = keys.map((k) => logged.copied.filter((f) => f.streamKey === k)).filter((c) => c.length > 0);
          const order = mergeLogs([ofKeys(logged.delivered), ...copies]);
          expect(core.replayFacts(keys)).toEqual(order);

          const range: ExplainRange = window
            ? { from: 1_000_000 + window[0] * 500, to: 1_000_000 + (window[0] + window[1]) * 500 }
            : {};
          const expected = explainPage(def, order, { ...range, limit: 1000 });
          if (!("page" in expected)) throw new Error(expected.badCursor);
          const from = range.from ?? Number.NEGATIVE_INFINITY;
          const to = range.to ?? Number.POSITIVE_INFINITY;
          const backtested = backtest(def, core.replayFacts(keys), from, to).map((m) => m.eventId);
          expect(expected.page.rows.filter(fired).map((r) => r.eventId)).toEqual(backtested);
          const reference = referenceEvaluate([
            { type: "upsert", def },
            ...order.map((fact) => ({ type: "fact" as const, fact })),
          ])
            .filter((m) => m.observedAt >= from && m.observedAt <= to)
            .map((m) => m.eventId);
          if (def.enabled) expect(backtested).toEqual(reference);

          const sources = await explainSources(homeReader(log), keys, [], () => {
            throw new Error("a saved monitor pulls nothing");
          });
          expect(sources).toHaveLength(copies.length > 0 ? 1 + copies.length : 1);
          const cache = new ExplainCache();
          const paged: ExplainRow[] = [];
          let cursor: string | undefined;
          for (let pages = 0; pages < 1000; pages++) {
            const page = { ...range, limit, ...(cursor ? { cursor } : {}) };
            const out = rowsOf(await explainMerged(keepCache ? cache : new ExplainCache(), def, sources, page, chunk));
            expect(out.rows.length).toBeLessThanOrEqual(limit);
            paged.push(...out.rows);
            cursor = out.next ?? undefined;
            if (!cursor) break;
            expect(out.rows.length).toBe(limit);
          }
          expect(paged).toEqual(expected.page.rows);
        },
      ),
      { numRuns: runs(200) },
    );
  });

  it("marks only what importFacts logged: delivered facts read as before, whatever was copied", () => {
    const { core, log, logged } = logCase(
      [3, 1, 2, 0].map((rank, i) => ({
        step: { s: 0, dt: 500, value: 1 + i, signed: 0, bid: null },
        rank,
        copied: i % 2 === 1,
        repeat: null,
        cut: false,
      })),
    );
    const key = logged.delivered[0]?.streamKey ?? "";
    expect(log.factsOf([key], undefined, undefined, "delivered")).toEqual(logged.delivered);
    expect(log.factsOf([key], undefined, undefined, "copied")).toEqual(logged.copied);
    expect(core.exportFacts([key]).map((f) => f.eventId)).toEqual(["ev-003-0", "ev-001-1", "ev-002-2", "ev-000-3"]);
    // Replayed: delivered 3, 2 in their order; copied 1, 0 in theirs; the smaller head first.
    expect(core.replayFacts([key]).map((f) => f.eventId)).toEqual(["ev-001-1", "ev-000-3", "ev-003-0", "ev-002-2"]);
  });
});
