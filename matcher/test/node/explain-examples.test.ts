import { describe, expect, it } from "vitest";
import type { ExplainRow } from "../../../shared/src/contract/explain";
import type { AcceptedFact } from "../../../shared/src/facts";
import type { MonitorDefinition } from "../../../shared/src/monitor";
import type { Condition, Predicate } from "../../../shared/src/predicate";
import { explainPage } from "../../src/explain/explain-page";

const T0 = Date.parse("2026-11-22T10:00:00Z");
const MIN = 60_000;
const BTC = { kind: "market_price" as const, subject: { symbol: "BTC-USD" } };
const CASH = { kind: "account_cash_usd" as const, subject: { accountId: "acc-1" } };

let seq = 0;
function price(minute: number, value: number): AcceptedFact {
  const at = T0 + minute * MIN;
  const eventId = `ev-${String(++seq).padStart(5, "0")}`;
  return {
    ...BTC,
    data: { price: value },
    observedAt: at,
    eventId,
    producerId: "p",
    receivedAt: at,
    streamKey: "market_price:BTC-USD",
  };
}
function cash(minute: number, value: number): AcceptedFact {
  const at = T0 + minute * MIN;
  const eventId = `ev-${String(++seq).padStart(5, "0")}`;
  return {
    ...CASH,
    data: { value },
    observedAt: at,
    eventId,
    producerId: "p",
    receivedAt: at,
    streamKey: "account_cash_usd:acc-1",
  };
}
const on = (extra: Partial<Condition> & Pick<Condition, "op" | "value">): Condition => ({
  stream: BTC,
  field: "price",
  ...extra,
});

function monitor(
  predicate: Predicate,
  fire: Partial<MonitorDefinition["fire"]> = {},
  enabled = true,
): MonitorDefinition {
  return {
    monitorId: "btc",
    version: 2,
    workflowId: "wf",
    ownerUserId: "u",
    linkedPortfolioIds: [],
    predicate,
    fire: { mode: "edge", cooldownMs: 0, once: false, ...fire },
    enabled,
  };
}

function rows(def: MonitorDefinition, facts: AcceptedFact[]): ExplainRow[] {
  const out = explainPage(def, facts, {});
  if (!("page" in out)) throw new Error(out.badCursor);
  return out.page.rows;
}
const reasons = (rs: ExplainRow[], i = 0) => rs.map((r) => r.conditions[i]?.reason);
const decisions = (rs: ExplainRow[]) => rs.map((r) => r.decision.reason);

describe("explain's words", () => {
  it("says a crossing crossed, or how it did not", () => {
    const rs = rows(monitor(on({ op: "crosses_above", value: 100 })), [
      price(0, 99.2),
      price(1, 99.8),
      price(2, 100.4),
      price(3, 100.6),
      price(4, 99),
    ]);
    expect(reasons(rs)).toEqual([
      "no previous value to cross from",
      "not crossed: 99.2 → 99.8 stays ≤ 100",
      "crossed from 99.8 to 100.4",
      "not crossed: 100.4 → 100.6 was already > 100",
      "not crossed: 100.6 → 99 falls to ≤ 100",
    ]);
    expect(rs[2]?.conditions[0]?.comparison).toBe("99.8 → 100.4 crosses above 100");
    expect(rs[2]?.decision).toEqual({ outcome: "matched", matchId: expect.any(String), reason: "matched" });
    expect(decisions(rs)[1]).toBe("false: the condition is false");
  });

  it("says when hysteresis holds a crossing back, and when it re-arms", () => {
    const rs = rows(monitor(on({ op: "crosses_above", value: 100, hysteresis: 5 })), [
      price(0, 99),
      price(1, 101),
      price(2, 99),
      price(3, 101),
      price(4, 94),
      price(5, 101),
    ]);
    expect(reasons(rs)).toEqual([
      "no previous value to cross from",
      "crossed from 99 to 101; disarmed by hysteresis until ≤ 95",
      "not crossed: 101 → 99 falls to ≤ 100; disarmed by hysteresis until ≤ 95",
      "crossed from 99 to 101, but disarmed by hysteresis since its last firing: it re-arms once ≤ 95",
      "not crossed: 101 → 94 falls to ≤ 100; re-armed (≤ 95)",
      "crossed from 94 to 101; disarmed by hysteresis until ≤ 95",
    ]);
  });

  it("counts a for-timer up to its duration", () => {
    const rs = rows(monitor(on({ op: "gt", value: 100, forMs: 5 * MIN })), [
      price(0, 99),
      price(1, 101),
      price(4, 102),
      price(6, 103),
    ]);
    expect(reasons(rs)).toEqual([
      "99 is not > 100",
      "for-timer started at 2026-11-22T10:01:00.000Z, 0s of 5m held",
      "for-timer started at 2026-11-22T10:01:00.000Z, 3m of 5m held",
      "held since 2026-11-22T10:01:00.000Z, 5m of 5m",
    ]);
    expect(rs.map((r) => r.decision.outcome)).toEqual(["false", "false", "false", "matched"]);
  });

  it("says a change has no base sample far enough back, and shows the base it used", () => {
    const rs = rows(monitor(on({ op: "gt", value: 1, change: { windowMs: 24 * 60 * MIN, mode: "pct" } })), [
      price(0, 100),
      price(60, 101),
      price(24 * 60 + 1, 103),
    ]);
    expect(reasons(rs)).toEqual(["no base sample 24h back", "no base sample 24h back", "holds: 3 > 1"]);
    expect(rs[2]?.conditions[0]?.change).toEqual({ value: 3, base: { observedAt: T0, value: 100 } });
    expect(rs[0]?.conditions[0]?.change).toEqual({ value: null, base: null });
  });

  it("writes ranges out, and carries a condition the fact did not sample", () => {
    const rs = rows(
      monitor({
        all: [on({ op: "between", value: [95, 110] }), { stream: CASH, field: "value", op: "outside", value: [0, 10] }],
      }),
      [price(0, 120), cash(1, 50), price(2, 100)],
    );
    expect(rs.map((r) => r.conditions.map((c) => c.reason))).toEqual([
      ["120 is not between 95 and 110", "not sampled by this fact"],
      ["not sampled by this fact", "holds: 50 < 0 or 50 > 10"],
      ["holds: 95 ≤ 100 ≤ 110", "not sampled by this fact"],
    ]);
    expect(rs[1]?.conditions[0]).toMatchObject({ evaluated: false, truth: false, sample: null });
    expect(rs[2]?.conditions[1]).toMatchObject({ evaluated: false, truth: true, path: "all.1" });
    expect(decisions(rs)).toEqual(["false: all.0 is false, all.1 is false", "false: all.0 is false", "matched"]);
  });

  it("names each suppression: already true, cooldown, once", () => {
    const edge = rows(monitor(on({ op: "gt", value: 100 })), [price(0, 101), price(1, 102)]);
    expect(decisions(edge)).toEqual(["matched", "suppressed: already true (edge)"]);
    const cooled = rows(monitor(on({ op: "gt", value: 100 }), { mode: "level", cooldownMs: 10 * MIN }), [
      price(0, 101),
      price(5, 102),
      price(10, 103),
    ]);
    expect(decisions(cooled)).toEqual([
      "matched",
      "suppressed: cooldown until 2026-11-22T10:10:00.000Z after the match at 2026-11-22T10:00:00.000Z",
      "matched",
    ]);
    const once = rows(monitor(on({ op: "gt", value: 100 }), { mode: "level", once: true }), [
      price(0, 101),
      price(1, 102),
    ]);
    expect(decisions(once)).toEqual([
      "matched",
      "suppressed: once, and it already matched at 2026-11-22T10:00:00.000Z",
    ]);
  });

  it("says a disabled monitor is disabled, and what it would have done", () => {
    const rs = rows(monitor(on({ op: "gt", value: 100 }), {}, false), [price(0, 99), price(1, 101)]);
    expect(rs.map((r) => r.decision)).toEqual([
      { outcome: "disabled", reason: "disabled; false: the condition is false" },
      { outcome: "disabled", reason: "disabled; would have matched" },
    ]);
  });

  it("explains a not by the condition that holds", () => {
    const rs = rows(monitor({ not: on({ op: "gt", value: 100 }) }), [price(0, 101)]);
    expect(decisions(rs)).toEqual(["false: not is true"]);
  });

  it("pages by an opaque cursor and refuses one it did not write", () => {
    const facts = [price(0, 1), price(1, 2), price(2, 3)];
    const first = explainPage(monitor(on({ op: "gt", value: 0 })), facts, { limit: 2 });
    if (!("page" in first)) throw new Error("no page");
    expect(first.page.rows.map((r) => r.observedAt)).toEqual([T0, T0 + MIN]);
    const cursor = first.page.nextCursor ?? "";
    const second = explainPage(monitor(on({ op: "gt", value: 0 })), facts, { limit: 2, cursor });
    expect("page" in second && second.page.rows.map((r) => r.observedAt)).toEqual([T0 + 2 * MIN]);
    expect("page" in second && second.page.nextCursor).toBeNull();
    expect(explainPage(monitor(on({ op: "gt", value: 0 })), facts, { cursor: "not a cursor!" })).toEqual({
      badCursor: "the cursor is not one this API wrote",
    });
    expect(explainPage(monitor(on({ op: "gt", value: 0 })), facts.slice(2), { cursor })).toEqual({
      badCursor: "the cursor's row is no longer in the stored log",
    });
  });
});
