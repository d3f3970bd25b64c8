import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ExplainRange, ExplainRow } from "../../../shared/src/contract/explain";
import type { LogEntry } from "../../../shared/src/contract/shard-rpc";
import type { AcceptedFact } from "../../../shared/src/facts";
import { ExplainCache } from "../../src/explain/explain-cache";
import { explainMerged, explainSources, type HomeLogReader, type LogSource } from "../../src/explain/explain-merged";
import { explainPage } from "../../src/explain/explain-page";
import { mergeLogs } from "../../src/explain/fact-merge";
import { buildOps, definition, factStepArb, monitorBodyArb, runs, STREAMS } from "./arbitraries";

/**
 * A draft's explain over logs of several shards (explain-merged.ts), fed by in-memory logs read in
 * chunks: it must give the rows explainPage gives over the merged sequence (fact-merge.ts), in one
 * page or paged by cursor, whether a page continues a cached replay or replays from the start.
 */

/** Which log each of arbitraries' STREAMS lives in: the home holds AAA and the account, BBB and the portfolio are pulled. */
const LOG_OF_STREAM = [0, 1, 0, 2];

/** Facts of every stream with eventIds in no particular order (ingest isolates' ULIDs interleave), split into logs. */
const caseArb = fc.record({
  body: monitorBodyArb,
  steps: fc.array(fc.tuple(factStepArb, fc.integer({ min: 0, max: 999 })), {
    minLength: 1,
    maxLength: 80,
    size: "max",
  }),
  window: fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 80 })),
});

function splitLogs(steps: [typeof factStepArb extends fc.Arbitrary<infer S> ? S : never, number][]): AcceptedFact[][] {
  const facts = buildOps(steps.map(([step]) => ({ t: "fact" as const, step }))).flatMap((op) =>
    op.type === "fact" ? [op.fact] : [],
  );
  const logs: AcceptedFact[][] = [[], [], []];
  facts.forEach((f, i) => {
    const eventId = `ev-${String(steps[i]?.[1] ?? 0).padStart(3, "0")}-${String(i).padStart(3, "0")}`;
    const s = STREAMS.findIndex((st) => f.streamKey.endsWith(Object.values(st.subject)[0] as string));
    logs[LOG_OF_STREAM[s] ?? 0]?.push({ ...f, eventId });
  });
  return logs;
}

/** A log in memory: seq = index + 1. */
function source(key: string, log: AcceptedFact[]): LogSource {
  return {
    key,
    start: log.length ? 1 : 0,
    read: (after: number, limit: number): LogEntry[] =>
      log.slice(after, after + limit).map((fact, k) => ({ seq: after + k + 1, fact })),
  };
}

function rowsOf(out: Awaited<ReturnType<typeof explainMerged>>): { rows: ExplainRow[]; next: string | null } {
  if (!("page" in out)) throw new Error(out.badCursor);
  return { rows: out.page.rows, next: out.page.nextCursor };
}

describe("a draft's explain over several shards' logs (explain-merged.ts)", () => {
  it("gives explainPage's rows over the merged sequence, in one page or paged, cached or replayed", async () => {
    await fc.assert(
      fc.asyncProperty(
        caseArb,
        fc.integer({ min: 1, max: 25 }),
        fc.integer({ min: 1, max: 6 }),
        fc.boolean(),
        async ({ body, steps, window }, limit, chunk, keepCache) => {
          const def = definition("m-a", 1, body);
          const logs = splitLogs(steps);
          const sources = logs.map((log, i) => source(`log-${i}`, log));
          const range: ExplainRange = window
            ? { from: 1_000_000 + window[0] * 500, to: 1_000_000 + (window[0] + window[1]) * 500 }
            : {};
          const expected = explainPage(def, mergeLogs(logs), { ...range, limit: 1000 });
          if (!("page" in expected)) throw new Error(expected.badCursor);

          const whole = rowsOf(await explainMerged(new ExplainCache(), def, sources, { ...range, limit: 1000 }, chunk));
          expect(whole.rows).toEqual(expected.page.rows);

          const cache = new ExplainCache();
          const paged: ExplainRow[] = [];
          let cursor: string | undefined;
          for (let pages = 0; pages < 1000; pages++) {
            const out = rowsOf(
              await explainMerged(
                keepCache ? cache : new ExplainCache(),
                def,
                sources,
                { ...range, limit, ...(cursor ? { cursor } : {}) },
                chunk,
              ),
            );
            expect(out.rows.length).toBeLessThanOrEqual(limit);
            paged.push(...out.rows);
            cursor = out.next ?? undefined;
            if (!cursor) break;
            expect(out.rows.length).toBe(limit);
          }
          expect(paged).toEqual(expected.page.rows);
        },
      ),
      { numRuns: runs(150) },
    );
  });

  it("reads a page's worth of chunks, not the whole of a pulled log", async () => {
    const logs = splitLogs(
      Array.from({ length: 400 }, (_, i) => [{ s: i % 2, dt: 500, value: 1 + (i % 7), signed: 0, bid: null }, i]),
    );
    const reads: number[] = [];
    const sources = logs.map((log, i) => {
      const s = source(`log-${i}`, log);
      const read = (after: number, n: number) => {
        reads.push(i);
        return s.read(after, n);
      };
      return { ...s, read };
    });
    const def = definition("m-a", 1, {
      predicate: {
        stream: { kind: "market_price", subject: { symbol: "AAA" } },
        field: "price",
        op: "gt",
        value: { stream: { kind: "market_price", subject: { symbol: "BBB" } }, field: "price" },
      },
      mode: "edge",
      cooldownMs: 0,
      once: false,
      enabled: true,
      portfolios: [],
      expiresIn: null,
    });
    const out = rowsOf(await explainMerged(new ExplainCache(), def, sources, { limit: 10 }, 5));
    expect(out.rows).toHaveLength(10);
    expect(reads.filter((i) => i === 1).length).toBeLessThanOrEqual(4); // ~10 of its 200 facts, 5 at a time
  });
});

describe("which logs a draft's explain reads (explainSources)", () => {
  const home: HomeLogReader = { read: () => [], start: (keys) => (keys.length ? 1 : 0), copiedStreams: () => [] };
  const owners: number[] = [];
  const ownerOf = (n: number) => {
    owners.push(n);
    return { read: () => [], start: () => 7 };
  };

  it("reads each stream of pull from its owner, and every other stream from the home's log", async () => {
    const sources = await explainSources(home, ["a", "b", "c"], [{ streamKey: "b", owner: 3 }], ownerOf);
    expect(sources.map((s) => [s.key, s.start])).toEqual([
      ['["a","c"]', 1],
      ["3/b", 7],
    ]);
    expect(owners).toEqual([3]);
  });

  it("reads everything from the home's log when nothing is to be pulled (streams it follows, saved monitors)", async () => {
    const sources = await explainSources(home, ["a", "b"], [], ownerOf);
    expect(sources.map((s) => s.key)).toEqual(['["a","b"]']);
  });

  it("reads the home's log as several sources when it holds copied rows: delivered rows, then each stream's copied ones", async () => {
    const read: [string[], string | undefined][] = [];
    const withCopies: HomeLogReader = {
      read: (keys, _after, _limit, rows) => {
        read.push([keys, rows]);
        return [];
      },
      start: () => 4,
      copiedStreams: (keys) => keys.filter((k) => k !== "a"),
    };
    const keys = ["a", "b", "c", "d"];
    const sources = await explainSources(withCopies, keys, [{ streamKey: "d", owner: 2 }], ownerOf);
    expect(sources.map((s) => [s.key, s.start])).toEqual([
      ['["delivered",["a","b","c"]]', 4],
      ['["copied","b"]', 4],
      ['["copied","c"]', 4],
      ["2/d", 7],
    ]);
    for (const s of sources.slice(0, 3)) await s.read(0, 10);
    expect(read).toEqual([
      [["a", "b", "c"], "delivered"],
      [["b"], "copied"],
      [["c"], "copied"],
    ]);
  });
});
