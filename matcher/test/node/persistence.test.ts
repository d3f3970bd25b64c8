import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FactLog } from "../../src/engine/fact-log";
import { IndexedEngine } from "../../src/engine/indexed-engine";
import { referenceEvaluate } from "../../src/engine/reference";
import { opsArb, runs } from "./arbitraries";
import { runCheckpointed, runIndexed, saveDirty } from "./harness";

describe("engine persistence", () => {
  it("continues with the same matches after restoring from takeDirty state at any point", () => {
    fc.assert(
      fc.property(opsArb(160), fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), (ops, cuts) => {
        const restoreAt = new Set(cuts.map((c) => c % ops.length));
        expect(runIndexed(ops, restoreAt)).toEqual(referenceEvaluate(ops));
      }),
      { numRuns: runs(1500) },
    );
  });
});

describe("checkpoints", () => {
  it("a restart restores the last checkpoint, replays the facts logged since, and matches exactly as the reference", () => {
    fc.assert(
      fc.property(
        opsArb(160),
        fc.array(fc.nat(), { maxLength: 4 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
        (ops, checkpoints, restarts) => {
          const at = (xs: number[]) => new Set(xs.map((x) => x % ops.length));
          expect(runCheckpointed(ops, at(checkpoints), at(restarts))).toEqual(referenceEvaluate(ops));
        },
      ),
      { numRuns: runs(1500) },
    );
  });
});

describe("takeDirty", () => {
  it("reports every change: the states it accumulates equal a full snapshot of the live engine", () => {
    fc.assert(
      fc.property(opsArb(160), fc.array(fc.nat(), { maxLength: 6 }), (ops, cuts) => {
        const log = new FactLog();
        const seen = new Set<string>();
        const engine = new IndexedEngine({ history: log.history });
        const monitors = new Map<string, unknown>();
        const streams = new Map<string, unknown>();
        const collect = () => saveDirty(engine, monitors, streams);
        const at = new Set(cuts.map((c) => c % ops.length));
        ops.forEach((op, i) => {
          if (op.type === "upsert") engine.upsertMonitor(op.def);
          else if (op.type === "remove") engine.removeMonitor(op.monitorId);
          else if (!seen.has(op.fact.eventId)) {
            seen.add(op.fact.eventId);
            log.append(op.fact, engine.applyFact(op.fact).stale);
          }
          if (at.has(i)) collect();
        });
        collect();
        const full = engine.snapshot();
        expect([...monitors].sort((a, b) => (a[0] < b[0] ? -1 : 1))).toEqual(full.monitors);
        const latest = (s: unknown) => (s as { latest: number | null }).latest;
        expect(new Map([...streams].map(([k, s]) => [k, latest(s)]))).toEqual(
          new Map(full.streams.map(([k, s]) => [k, latest(s)])),
        );
      }),
      { numRuns: runs(1000) },
    );
  });
});
