import { describe, expect, it } from "vitest";
import { countKnob, countListKnob, flagKnob, KnobError, numberKnob, refuseBase } from "../../lib/knobs";

// A bad knob must stop a bench before it starts, naming the knob, not run with NaN.
describe("bench knobs", () => {
  it("falls back to the default when the knob is unset, and reads a set one", () => {
    expect(countKnob("MONITORS", 1000, { env: {} })).toBe(1000);
    expect(countKnob("MONITORS", 1000, { env: { MONITORS: " 250 " } })).toBe(250);
    expect(countKnob("EVENTS", 1, { env: { EVENTS: "1_000_000" } })).toBe(1_000_000);
    expect(numberKnob("SECONDS", 4.5, { env: { SECONDS: "0.5" } })).toBe(0.5);
    expect(countListKnob("SIZES", [1000, 10000], { env: { SIZES: "1000, 5000" } })).toEqual([1000, 5000]);
  });

  it("refuses a value that is not a number, with the knob's name and an example", () => {
    expect(() => countKnob("MONITORS", 1000, { env: { MONITORS: "abc" } })).toThrow(
      new KnobError("MONITORS=abc is not a whole number >= 1 (e.g. MONITORS=1000)"),
    );
    expect(() => numberKnob("DURATION", 20, { env: { DURATION: "" } })).toThrow(/^DURATION= is not a number/);
  });

  it("refuses fractions for counts, and values under the minimum", () => {
    expect(() => countKnob("ROUNDS", 6, { env: { ROUNDS: "2.5" } })).toThrow(/ROUNDS=2.5 is not a whole number/);
    expect(() => countKnob("ROUNDS", 6, { env: { ROUNDS: "0" } })).toThrow(/>= 1/);
    expect(() => numberKnob("DURATION", 20, { env: { DURATION: "-5" } })).toThrow(/DURATION=-5/);
    expect(() => numberKnob("DURATION", 20, { env: { DURATION: "0" } })).toThrow("DURATION=0 is not a number > 0");
    expect(countKnob("USERS", 1, { min: 0, env: { USERS: "0" } })).toBe(0);
  });

  it("names the bad item of a list, and refuses an empty item", () => {
    expect(() => countListKnob("MONITORS", [1000, 10000], { env: { MONITORS: "1000,abc" } })).toThrow(
      'MONITORS=1000,abc: "abc" is not a whole number >= 1 (e.g. MONITORS=1000,10000)',
    );
    expect(() => countListKnob("RATES", [1000], { env: { RATES: "1000," } })).toThrow(/RATES=1000,: ""/);
  });

  it("reads on/off flags as 1/true or 0/false and refuses anything else", () => {
    expect(flagKnob("FLOOR", true, { env: {} })).toBe(true);
    expect(flagKnob("FLOOR", true, { env: { FLOOR: "0" } })).toBe(false);
    expect(flagKnob("NOKEYS", false, { env: { NOKEYS: "0" } })).toBe(false);
    expect(flagKnob("NOKEYS", false, { env: { NOKEYS: "true" } })).toBe(true);
    expect(() => flagKnob("KEEP", false, { env: { KEEP: "yes" } })).toThrow("KEEP=yes is not 1 or 0 (e.g. KEEP=1)");
  });

  it("refuses BASE for a bench that must start its own fabric, and says why", () => {
    expect(refuseBase("load:e2e sets its notify URL", { env: {} })).toEqual({});
    expect(() => refuseBase("load:e2e sets its notify URL", { env: { BASE: "http://127.0.0.1:8787" } })).toThrow(
      "BASE is set, but load:e2e sets its notify URL: unset BASE",
    );
  });
});
