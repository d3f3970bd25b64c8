import { describe, expect, it } from "vitest";
import { IndexedEngine } from "../../../matcher/src/engine/indexed-engine";
import type { Condition } from "../../../shared/src/predicate";
import { LayoutModel } from "../../lib/layout-model";
import { FactSource, MonitorSource } from "../../lib/matcher-workload";

// bench:layout-model's figures mean something only if the model does the engine's work: on the
// monitors it models exactly (no forMs, no hysteresis) it must make the same matches, fact by fact.
describe("layout model (bench:layout-model)", () => {
  it("makes the engine's matches, in the same order, on bench:matcher's workload without forMs or hysteresis", () => {
    const model = new LayoutModel();
    const engine = new IndexedEngine({ history: () => [] });
    // 50 streams, each ticking once per second of event time: 30,000 facts are 10 minutes, so
    // level monitors fire again and again after their 60 s cooldown.
    const range = { streams: 50, first: 0 };
    const monitors = new MonitorSource(range);
    for (let i = 0; i < 5000; i++) {
      const { def } = monitors.next();
      const conds = ("all" in def.predicate ? def.predicate.all : [def.predicate]) as Condition[];
      if (conds.some((c) => c.forMs !== undefined || c.hysteresis !== undefined)) continue;
      model.add(def);
      engine.upsertMonitor(def);
    }
    model.finish();
    const facts = new FactSource(range);
    let matches = 0;
    for (let k = 0; k < 30_000; k++) {
      const f = facts.next();
      const expected = engine.applyFact(f).matches.map((m) => m.matchId);
      expect(model.applyFact(f).matches.map((m) => m.matchId)).toEqual(expected);
      matches += expected.length;
    }
    // Crossings, thresholds, ranges, changes, compound and level monitors all fire in this run.
    expect(matches).toBeGreaterThan(500);
  });
});
