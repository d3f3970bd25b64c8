import { describe, expect, it } from "vitest";
import { referenceEvaluate } from "../../src/engine/reference";
import type { Op } from "../../src/engine/types";
import { cond, matched, monitor, price, prices } from "./example-ops";
import { runIndexed } from "./harness";

describe("matching examples", () => {
  it("fires once when the price crosses the level", () => {
    expect(matched([monitor(cond("crosses_above", 100)), ...prices(90, 110, 120)])).toEqual(["p1"]);
  });

  it("does not fire for a monitor created above the level until the price goes below and back up", () => {
    expect(matched([monitor(cond("crosses_above", 100)), ...prices(110, 120, 90, 105)])).toEqual(["p3"]);
  });

  it("counts history from before the monitor existed as the previous value of a crossing", () => {
    const [first, ...rest] = prices(90, 110);
    expect(matched([first as Op, monitor(cond("crosses_above", 100)), ...rest])).toEqual(["p1"]);
  });

  it("fires crosses_below when the price goes from at-or-above to below the level", () => {
    expect(matched([monitor(cond("crosses_below", 100)), ...prices(100, 99, 98, 101, 90)])).toEqual(["p1", "p4"]);
  });

  it("fires a threshold on its false → true edge only", () => {
    expect(matched([monitor(cond("gt", 100)), ...prices(90, 110, 120, 90, 130)])).toEqual(["p1", "p4"]);
  });

  it("compares gte, lte, eq, neq, between and outside as written", () => {
    expect(matched([monitor(cond("gte", 100)), ...prices(99, 100, 101)])).toEqual(["p1"]);
    expect(matched([monitor(cond("lte", 100)), ...prices(101, 100, 99)])).toEqual(["p1"]);
    expect(matched([monitor(cond("eq", 100)), ...prices(99, 100, 100, 101, 100)])).toEqual(["p1", "p4"]);
    expect(matched([monitor(cond("neq", 100)), ...prices(100, 101, 100)])).toEqual(["p1"]);
    expect(matched([monitor(cond("between", [100, 110])), ...prices(99, 100, 110, 111, 105)])).toEqual(["p1", "p4"]);
    expect(matched([monitor(cond("outside", [100, 110])), ...prices(100, 111, 105, 99)])).toEqual(["p1", "p3"]);
  });

  it("fires level monitors on every fact while true, at most once per cooldown", () => {
    const ops = [monitor(cond("gt", 100), { mode: "level", cooldownMs: 2000 }), ...prices(110, 120, 115, 90, 110, 111)];
    expect(matched(ops)).toEqual(["p0", "p2", "p4"]);
  });

  it("stops after the first match when once is set", () => {
    expect(matched([monitor(cond("gt", 100), { once: true }), ...prices(110, 90, 110)])).toEqual(["p0"]);
  });

  it("applies the cooldown to edge monitors too", () => {
    expect(matched([monitor(cond("gt", 100), { cooldownMs: 3000 }), ...prices(110, 90, 110, 90, 110)])).toEqual([
      "p0",
      "p4",
    ]);
  });

  it("fires on a percent change over a window, and not before the window has a base", () => {
    const ops = [monitor(cond("gt", 4, { change: { windowMs: 2000, mode: "pct" } })), ...prices(100, 106, 104, 108)];
    // p1 has no sample 2 s earlier; p2: 104 vs 100 = 4 % (not > 4); p3: 108 vs 106 = 1.9 %.
    expect(matched(ops)).toEqual([]);
    const ops2 = [monitor(cond("gt", 4, { change: { windowMs: 2000, mode: "pct" } })), ...prices(100, 100, 105)];
    expect(matched(ops2)).toEqual(["p2"]);
  });

  it("fires on an absolute change crossing", () => {
    const c = cond("crosses_above", 5, { change: { windowMs: 1000, mode: "abs" } });
    expect(matched([monitor(c), ...prices(100, 103, 110, 111, 120)])).toEqual(["p2", "p4"]);
  });

  it("holds a condition for forMs of event time before it is true", () => {
    const ops = [monitor(cond("gt", 100, { forMs: 2000 })), ...prices(110, 110, 110, 90, 110, 110, 110)];
    expect(matched(ops)).toEqual(["p2", "p6"]);
  });

  it("re-arms a crossing only after the hysteresis band is passed", () => {
    const ops = [monitor(cond("crosses_above", 100, { hysteresis: 5 })), ...prices(90, 101, 99, 101, 94, 101)];
    expect(matched(ops)).toEqual(["p1", "p5"]);
  });

  it("ignores a stale fact and a repeated eventId", () => {
    const ops = [monitor(cond("gt", 100)), price(90, 2000, "a"), price(110, 1000, "b"), price(110, 3000, "c")];
    expect(matched([...ops, price(90, 4000, "d"), price(110, 5000, "c")])).toEqual(["c"]);
  });

  it("never matches a disabled monitor", () => {
    expect(matched([monitor(cond("gt", 100), {}, { enabled: false }), ...prices(90, 110)])).toEqual([]);
  });

  it("counts the first evaluation as false, so a true `not` fires at once", () => {
    expect(matched([monitor({ not: cond("gt", 100) }), ...prices(90, 80)])).toEqual(["p0"]);
  });

  it("resets the monitor's own state when a new version is registered, and ignores older versions", () => {
    const v2 = monitor(cond("gt", 100), { once: true }, { version: 2 });
    const v1 = monitor(cond("gt", 100), { once: true }, { version: 1 });
    const ops = [v2, price(110, 1000, "a"), v1, price(90, 2000, "b"), price(110, 3000, "c")];
    expect(matched([...ops, monitor(cond("gt", 100), { once: true }, { version: 3 }), price(111, 4000, "d")])).toEqual([
      "a",
      "d",
    ]);
  });

  it("never holds back a match when cooldownMs is 0, even when another stream's fact is older", () => {
    const eth = (value: number, at: number, eventId: string): Op => ({
      type: "fact",
      fact: {
        kind: "market_price",
        subject: { symbol: "ETH" },
        data: { price: value },
        observedAt: at,
        eventId,
        producerId: "p",
        receivedAt: at,
        streamKey: "market_price:ETH",
      },
    });
    const ethAbove = { ...cond("gt", 100), stream: { kind: "market_price" as const, subject: { symbol: "ETH" } } };
    const m = monitor({ any: [cond("gt", 100), ethAbove] }, { mode: "level" });
    expect(matched([m, price(110, 5000, "a"), eth(90, 1000, "b"), eth(120, 2000, "c")])).toEqual(["a", "b", "c"]);
    const cooled = monitor({ any: [cond("gt", 100), ethAbove] }, { mode: "level", cooldownMs: 1 });
    expect(matched([cooled, price(110, 5000, "a"), eth(90, 1000, "b"), eth(120, 6000, "c")])).toEqual(["a", "c"]);
  });

  it("orders the matches of one fact by monitorId and fills the match fields", () => {
    const a = monitor(cond("gt", 100), {}, { monitorId: "b-second" });
    const b = monitor(cond("gt", 100), {}, { monitorId: "a-first", linkedPortfolioIds: [] });
    const out = referenceEvaluate([a, b, price(110, 1000, "x")]);
    expect(runIndexed([a, b, price(110, 1000, "x")])).toEqual(out);
    expect(out.map((m) => [m.monitorId, m.portfolioId, m.matchId])).toEqual([
      ["a-first", null, "a-first~1~x"],
      ["b-second", "pf-1", "b-second~1~x"],
    ]);
    expect(out[0]?.triggerEvent).toEqual({
      kind: "market_price",
      subject: { symbol: "BTC" },
      observedAt: 1000,
      data: { price: 110 },
      eventId: "x",
    });
  });
});
