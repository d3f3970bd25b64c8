import { describe, expect, it } from "vitest";
import { cond, matched, monitor, price, prices } from "./example-ops";

// Values that land exactly on a boundary, where a `<` written for `<=` shows. The random property
// tests reach these cases rarely (a plain crossing with hysteresis is a small share of their
// conditions), so each boundary has an example here, checked on the reference and the engine.

describe("values exactly on a boundary", () => {
  it("re-arms crosses_above with hysteresis when the value comes back to exactly level − h", () => {
    // Level 100, h 5: fires at 101, re-arms at 95 (= 100 − 5), fires again at 101.
    const c = cond("crosses_above", 100, { hysteresis: 5 });
    expect(matched([monitor(c), ...prices(90, 101, 95, 101)])).toEqual(["p1", "p3"]);
    // 96 is inside the band: it does not re-arm, so the next 101 does not fire.
    expect(matched([monitor(c), ...prices(90, 101, 96, 101)])).toEqual(["p1"]);
  });

  it("re-arms crosses_below with hysteresis when the value comes back to exactly level + h", () => {
    const c = cond("crosses_below", 100, { hysteresis: 5 });
    expect(matched([monitor(c), ...prices(110, 99, 105, 99)])).toEqual(["p1", "p3"]);
    expect(matched([monitor(c), ...prices(110, 99, 104, 99)])).toEqual(["p1"]);
  });

  it("re-arms a crossing with hysteresis 0 on a sample exactly at the level", () => {
    const c = cond("crosses_above", 100, { hysteresis: 0 });
    expect(matched([monitor(c), ...prices(90, 101, 100, 101)])).toEqual(["p1", "p3"]);
  });

  it("applies a fact observed at the same time as its stream's latest (only an older one is stale)", () => {
    const ops = [monitor(cond("gt", 100)), price(90, 5000, "a"), price(110, 5000, "b"), price(120, 4999, "c")];
    expect(matched(ops)).toEqual(["b"]);
  });

  it("takes a percent change relative to the base sample, not to the current value", () => {
    // 100 → 125 is +25 % of the base (+20 % of 125); 125 → 100 is −20 % of the base (−25 % of 100).
    const up = cond("gt", 22, { change: { windowMs: 1000, mode: "pct" } });
    expect(matched([monitor(up), ...prices(100, 125)])).toEqual(["p1"]);
    const down = cond("lt", -22, { change: { windowMs: 1000, mode: "pct" } });
    expect(matched([monitor(down), ...prices(125, 100)])).toEqual([]);
  });
});
