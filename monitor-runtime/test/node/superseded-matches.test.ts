import { describe, expect, it } from "vitest";
import { matchIdOf, matchVersionOf } from "../../../shared/src/ids";
import { isSuperseded, liveMatchIds, matchMonitorOf } from "../../src/runtime/delivery/superseded";

/** DESIGN §3: an update supersedes older versions everywhere. What counts as an older version's match. */
describe("superseded matches", () => {
  const E = "01KDY5Q0TQ8V9Z2W3X4Y5Z6A7B";

  it("reads the version a matchIdOf matchId names, and none from an outside caller's matchId", () => {
    expect(matchVersionOf(matchIdOf("btc-100k", 3, E), "btc-100k")).toBe(3);
    expect(matchVersionOf(matchIdOf("a.b:c_d-e", 12, E), "a.b:c_d-e")).toBe(12);
    // Another monitor's matchId, free-form ids, and malformed versions name no version of this one.
    expect(matchVersionOf(matchIdOf("btc", 3, E), "btc-100k")).toBeNull();
    for (const id of ["match-1", "btc~~E", "btc~0~E", "btc~03~E", "btc~1.5~E", "btc~1~E~x", "btc~-1~E"]) {
      expect(matchVersionOf(id, "btc")).toBeNull();
    }
  });

  it("a match is superseded only by a newer version of its own monitor", () => {
    expect(isSuperseded(matchIdOf("m", 1, E), "m", 2)).toBe(true);
    expect(isSuperseded(matchIdOf("m", 2, E), "m", 2)).toBe(false);
    // A match of a version the read model has not caught up with yet is live, not superseded.
    expect(isSuperseded(matchIdOf("m", 3, E), "m", 2)).toBe(false);
    expect(isSuperseded("free-form-match", "m", 9)).toBe(false);
    expect(isSuperseded(matchIdOf("other", 1, E), "m", 9)).toBe(false);
  });

  it("keeps the live matchIds of a coalesced wake, in order, and those of monitors it cannot look up", () => {
    const versions = new Map([
      ["a", 2],
      ["b", 1],
    ]);
    const ids = [
      matchIdOf("a", 1, E),
      matchIdOf("b", 1, E),
      "outside-1",
      matchIdOf("a", 2, "E2"),
      matchIdOf("z", 1, E),
    ];
    expect(liveMatchIds(ids, versions)).toEqual([
      matchIdOf("b", 1, E),
      "outside-1",
      matchIdOf("a", 2, "E2"),
      matchIdOf("z", 1, E),
    ]);
    expect(matchMonitorOf(matchIdOf("a", 1, E))).toBe("a");
    expect(matchMonitorOf("outside-1")).toBeNull();
  });
});
