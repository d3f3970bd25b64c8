import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AcceptedFact } from "../../../shared/src/facts";
import { FactMerge, mergeLogs } from "../../src/explain/fact-merge";
import { runs } from "./arbitraries";

/** A fact that only carries what the merge reads: its eventId (and a stream key to tell logs apart). */
function fact(eventId: string, streamKey: string): AcceptedFact {
  return {
    kind: "market_price",
    subject: { symbol: streamKey },
    observedAt: 0,
    data: { price: 1 },
    eventId,
    producerId: "p",
    receivedAt: 0,
    streamKey,
  };
}

/** Up to four logs of unique eventIds, each in an arbitrary (not necessarily eventId) order. */
const logsArb = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 99 })), { maxLength: 60 })
  .map((picks) => {
    const logs: AcceptedFact[][] = [[], [], [], []];
    picks.forEach(([log, id], i) => {
      logs[log]?.push(fact(`${String(id).padStart(2, "0")}-${String(i).padStart(2, "0")}`, `s${log}`));
    });
    return logs;
  });

/** The merge fed in chunks of `sizes` (cycled), refilling whatever source starves, as explain-merged.ts does. */
function mergeInChunks(logs: AcceptedFact[][], sizes: number[]): AcceptedFact[] {
  const merge = new FactMerge(logs.length);
  const out: AcceptedFact[] = [];
  let turn = 0;
  while (!merge.finished()) {
    for (const i of merge.starving()) {
      const log = logs[i] ?? [];
      const after = merge.readFrom(i);
      const size = sizes[turn++ % sizes.length] ?? 1;
      const chunk = log.slice(after, after + size).map((f, k) => ({ seq: after + k + 1, fact: f }));
      merge.push(i, chunk, chunk.length < size);
    }
    for (let f = merge.next(); f; f = merge.next()) out.push(f);
  }
  return out;
}

describe("the merge order of a draft's explain (fact-merge.ts)", () => {
  it("keeps each log's own order and, between logs, takes the head with the smaller eventId", () => {
    const home = [fact("05", "h"), fact("02", "h"), fact("09", "h")]; // a log need not be in eventId order
    const pulled = [fact("01", "p"), fact("03", "p"), fact("08", "p"), fact("10", "p")];
    expect(mergeLogs([home, pulled]).map((f) => f.eventId)).toEqual(["01", "03", "05", "02", "08", "09", "10"]);
  });

  it("is exactly the log's order for a single log, and a sorted order when every log is sorted", () => {
    fc.assert(
      fc.property(logsArb, (logs) => {
        const one = logs[0] ?? [];
        expect(mergeLogs([one])).toEqual(one);
        const sorted = logs.map((l) => [...l].sort((a, b) => (a.eventId < b.eventId ? -1 : 1)));
        const ids = mergeLogs(sorted).map((f) => f.eventId);
        expect(ids).toEqual([...ids].sort());
      }),
      { numRuns: runs(200) },
    );
  });

  it("is a merge: every fact once, each log's facts in that log's order", () => {
    fc.assert(
      fc.property(logsArb, (logs) => {
        const merged = mergeLogs(logs);
        expect(merged.length).toBe(logs.flat().length);
        logs.forEach((log, i) => {
          expect(merged.filter((f) => f.streamKey === `s${i}`)).toEqual(log);
        });
      }),
      { numRuns: runs(200) },
    );
  });

  it("does not depend on the chunk sizes the logs are read in", () => {
    fc.assert(
      fc.property(logsArb, fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 5 }), (logs, sizes) => {
        expect(mergeInChunks(logs, sizes)).toEqual(mergeLogs(logs));
      }),
      { numRuns: runs(200) },
    );
  });

  it("stops while a source that may hold more has nothing buffered, and resumes from given positions", () => {
    const merge = new FactMerge(2, [0, 4]);
    expect(merge.starving()).toEqual([0, 1]);
    expect(merge.readFrom(1)).toBe(4);
    merge.push(0, [{ seq: 1, fact: fact("01", "h") }], true);
    expect(merge.next()).toBeUndefined(); // source 1 may still hold something older
    merge.push(1, [{ seq: 5, fact: fact("00", "p") }], false);
    expect(merge.next()?.eventId).toBe("00");
    expect(merge.next()).toBeUndefined();
    expect(merge.starving()).toEqual([1]);
    merge.push(1, [], true);
    expect(merge.next()?.eventId).toBe("01");
    expect(merge.finished()).toBe(true);
    expect(merge.positions()).toEqual([1, 5]);
  });
});
