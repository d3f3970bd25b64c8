import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IndexedEngine } from "../../src/engine/indexed-engine";
import { referenceEvaluate } from "../../src/engine/reference";
import { MemoryFactLog, memoryShardStorage } from "../../src/shard/memory-storage";
import { ShardCore } from "../../src/shard/shard-core";
import { opsArb, runs } from "./arbitraries";
import { asRegistryIssues, runIndexed, saveDirty } from "./harness";

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
  it("a restarted shard restores its last checkpoint, replays the facts logged since, and matches exactly as the reference", () => {
    fc.assert(
      fc.property(
        opsArb(160),
        fc.integer({ min: 1, max: 12 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
        (raw, checkpointFacts, restarts) => {
          const ops = asRegistryIssues(raw);
          const storage = memoryShardStorage();
          const options = { checkpointFacts, log: () => {} };
          let shard = new ShardCore(storage, options);
          const restartAt = new Set(restarts.map((x) => x % ops.length));
          ops.forEach((op, i) => {
            if (op.type === "upsert") shard.upsertMonitor(op.def);
            else if (op.type === "remove") shard.removeMonitor(op.monitorId, storage.monitors.version(op.monitorId));
            else shard.applyFacts([op.fact], 0);
            // A restart: the engine in memory is gone; the next call restores it from storage.
            if (restartAt.has(i)) shard = new ShardCore(storage, options);
          });
          expect(storage.outbox.matches()).toEqual(referenceEvaluate(ops));
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
        const log = new MemoryFactLog();
        const seen = new Set<string>();
        const engine = new IndexedEngine({ history: (key, field, from) => log.history(key, field, from) });
        const monitors = new Map<string, unknown>();
        const streams = new Map<string, unknown>();
        const collect = () => saveDirty(engine, monitors, streams);
        const at = new Set(cuts.map((c) => c % ops.length));
        ops.forEach((op, i) => {
          if (op.type === "upsert") engine.upsertMonitor(op.def);
          else if (op.type === "remove") engine.removeMonitor(op.monitorId);
          else if (!seen.has(op.fact.eventId)) {
            seen.add(op.fact.eventId);
            log.append([{ fact: op.fact, stale: engine.applyFact(op.fact).stale }], 0);
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
