import { describe, expect, it } from "vitest";
import { IndexedEngine } from "../../../matcher/src/engine/indexed-engine";
import { FactSource, MonitorSource } from "../../lib/matcher-workload";

// bench:matcher's "N monitors of which k can match" row reads as "k's matches at N's size" only
// if the monitors past the k-th never match: the same facts must give exactly the matches of the
// first k monitors alone.
describe("bench:matcher workload, monitors past `live`", () => {
  it("never match: N monitors give exactly the matches of the first `live` alone", () => {
    const range = { streams: 20, first: 0 };
    const matchesOf = (monitors: number, live: number) => {
      const engine = new IndexedEngine({ history: () => [] });
      const source = new MonitorSource(range, live);
      for (let i = 0; i < monitors; i++) engine.upsertMonitor(source.next().def);
      const facts = new FactSource(range);
      const out: string[] = [];
      // 20 streams ticking once a second: 12,000 facts are 10 minutes, windows and cooldowns included.
      for (let k = 0; k < 12_000; k++) for (const m of engine.applyFact(facts.next()).matches) out.push(m.matchId);
      return out;
    };
    const live = matchesOf(300, Number.POSITIVE_INFINITY);
    expect(live.length).toBeGreaterThan(100);
    expect(matchesOf(3000, 300)).toEqual(live);
  });
});
