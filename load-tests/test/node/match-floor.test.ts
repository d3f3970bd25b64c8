import { describe, expect, it } from "vitest";
import { matchIdOf } from "../../../shared/src/ids";
import { MatchFloor } from "../../lib/match-floor";
import { FactSource } from "../../lib/matcher-workload";

// bench:layout-model reads the floor as "the bare loop plus the engine's matches": it must emit
// at the rate it is given, matches shaped as the engine's, and hand each match's new monitor state
// to the next checkpoint.
describe("match floor (bench:layout-model)", () => {
  it("emits nothing at rate 0, as bench:matcher's bare loop", () => {
    const floor = new MatchFloor(2000, 0);
    const facts = new FactSource();
    for (let k = 0; k < 5000; k++) expect(floor.applyFact(facts.next()).matches).toHaveLength(0);
    expect(floor.takeDirty()).toHaveLength(0);
  });

  it("emits engine-shaped matches at the given rate and logs each one's monitor state for the checkpoint", () => {
    const floor = new MatchFloor(2000, 0.25);
    const facts = new FactSource();
    const expected: [string, number, number][] = [];
    for (let k = 0; k < 20_000; k++) {
      const f = facts.next();
      for (const m of floor.applyFact(f).matches) {
        expected.push([m.monitorId, m.monitorVersion, m.observedAt]);
        expect(m.matchId).toBe(matchIdOf(m.monitorId, m.monitorVersion, f.eventId));
        expect(m.eventId).toBe(f.eventId);
      }
    }
    expect(expected.length / 20_000).toBeGreaterThan(0.23);
    expect(expected.length / 20_000).toBeLessThan(0.27);
    const log = floor.takeDirty();
    const logged: [string, number, number][] = [];
    for (let i = 0; i < log.length; i += 3) {
      logged.push([floor.idOf(log[i] as number), log[i + 1] as number, log[i + 2] as number]);
    }
    expect(logged).toEqual(expected);
    expect(floor.takeDirty()).toHaveLength(0);
  });
});
