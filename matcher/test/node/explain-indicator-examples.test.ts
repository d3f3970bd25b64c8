import { describe, expect, it } from "vitest";
import type { ExplainRow } from "../../../shared/src/contract/explain";
import type { AcceptedFact } from "../../../shared/src/facts";
import type { MonitorDefinition } from "../../../shared/src/monitor";
import type { Predicate } from "../../../shared/src/predicate";
import { explainPage } from "../../src/explain/explain-page";

const T0 = Date.parse("2026-11-22T10:00:00Z");
const MIN = 60_000;
const BTC = { kind: "market_price" as const, subject: { symbol: "BTC-USD" } };
const ETH = { kind: "market_price" as const, subject: { symbol: "ETH-USD" } };

let seq = 0;
function price(stream: typeof BTC, minute: number, value: number): AcceptedFact {
  const at = T0 + minute * MIN;
  return {
    ...stream,
    data: { price: value },
    observedAt: at,
    eventId: `ev-${String(++seq).padStart(5, "0")}`,
    producerId: "p",
    receivedAt: at,
    streamKey: `market_price:${stream.subject.symbol}`,
  };
}

function monitor(predicate: Predicate, expiresAt?: number): MonitorDefinition {
  return {
    monitorId: "m",
    version: 1,
    workflowId: "wf",
    ownerUserId: "u",
    linkedPortfolioIds: [],
    predicate,
    fire: { mode: "edge", cooldownMs: 0, once: false },
    enabled: true,
    ...(expiresAt === undefined ? {} : { expiresAt }),
  };
}

function rows(def: MonitorDefinition, facts: AcceptedFact[]): ExplainRow[] {
  const out = explainPage(def, facts, {});
  if (!("page" in out)) throw new Error(out.badCursor);
  return out.page.rows;
}

describe("explain of indicators, relative conditions and expiry", () => {
  it("says how far an indicator is from warmed up, then compares its value", () => {
    const def = monitor({
      stream: BTC,
      field: "price",
      indicator: { kind: "sma", samples: 3 },
      op: "crosses_above",
      value: 100,
    });
    const rs = rows(
      def,
      [99, 100, 101, 104].map((v, i) => price(BTC, i, v)),
    );
    expect(rs.map((r) => r.conditions[0]?.reason)).toEqual([
      "no value yet: sma 3 needs 3 samples, have 1",
      "no value yet: sma 3 needs 3 samples, have 2",
      "no previous value to cross from",
      "crossed from 100 to 101.666666667",
    ]);
    expect(rs.map((r) => r.conditions[0]?.indicator)).toEqual([
      { kind: "sma", value: null },
      { kind: "sma", value: null },
      { kind: "sma", value: 100 },
      { kind: "sma", value: (100 + 101 + 104) / 3 },
    ]);
    expect(rs[3]?.conditions[0]?.comparison).toBe("100 → 101.666666667 crosses above 100");
    expect(rs.map((r) => r.decision.outcome)).toEqual(["false", "false", "false", "matched"]);
  });

  it("writes d = left − right, and crosses from d at the condition's previous evaluation", () => {
    const def = monitor({ stream: BTC, field: "price", op: "crosses_above", value: { stream: ETH, field: "price" } });
    const rs = rows(def, [price(BTC, 0, 101.2), price(ETH, 1, 100.4), price(ETH, 2, 102), price(BTC, 3, 103)]);
    expect(rs.map((r) => r.conditions[0]?.reason)).toEqual([
      "no value yet for the operand: no sample of price of market_price:ETH-USD",
      "no d at the previous evaluation to cross from",
      "not crossed: 0.8 → -0.8 falls to ≤ 0",
      "crossed from -0.8 to 1",
    ]);
    expect(rs.map((r) => r.conditions[0]?.comparison)).toEqual([
      "no value",
      "d = 101.2 − 100.4 = 0.8; none → 0.8 crosses above 0",
      "d = 101.2 − 102 = -0.8; 0.8 → -0.8 crosses above 0",
      "d = 103 − 102 = 1; -0.8 → 1 crosses above 0",
    ]);
    expect(rs.map((r) => r.conditions[0]?.operand)).toEqual([
      { value: null },
      { value: 100.4 },
      { value: 102 },
      { value: 102 },
    ]);
    expect(rs[3]?.decision.outcome).toBe("matched");
  });

  it("says which side of a relative comparison has no value, and states a holding one", () => {
    const def = monitor({
      stream: BTC,
      field: "price",
      op: "gt",
      value: { stream: ETH, field: "price", indicator: { kind: "sma", samples: 2 }, times: 2 },
    });
    const rs = rows(def, [price(ETH, 0, 50), price(BTC, 1, 101.2), price(ETH, 2, 50.2)]);
    expect(rs.map((r) => r.conditions[0]?.reason)).toEqual([
      "no value yet: no sample of price",
      "no value yet for the operand: sma 2 needs 2 samples, have 1",
      "holds: d = 101.2 − 100.2 = 1 > 0",
    ]);
  });

  it("rows at or after expiresAt evaluate nothing and say when the monitor expired", () => {
    const def = monitor({ stream: BTC, field: "price", op: "gt", value: 100 }, T0 + 2 * MIN);
    const rs = rows(def, [price(BTC, 0, 99), price(BTC, 1, 101), price(BTC, 2, 105), price(BTC, 3, 99)]);
    expect(rs.map((r) => r.decision)).toEqual([
      { outcome: "false", reason: "false: the condition is false" },
      { outcome: "matched", matchId: expect.any(String), reason: "matched" },
      { outcome: "expired", reason: "expired at 2026-11-22T10:02:00.000Z" },
      { outcome: "expired", reason: "expired at 2026-11-22T10:02:00.000Z" },
    ]);
    expect(rs[2]?.conditions[0]).toMatchObject({
      evaluated: false,
      truth: true,
      reason: "not evaluated: the monitor expired at 2026-11-22T10:02:00.000Z",
    });
    expect(rs[2]?.truth).toBe(false);
  });
});
