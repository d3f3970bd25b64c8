import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AcceptedFact } from "../../../shared/src/facts";
import type { MonitorDefinition } from "../../../shared/src/monitor";
import type { Condition, Predicate } from "../../../shared/src/predicate";
import { explainPage } from "../../src/explain/explain-page";
import { live, MIN, monitor, pageOf, px } from "./explain-scenario";

// "Why did my monitor not fire?" asked of explain, scenario by scenario: the answer must agree with
// what live matching did (the reference evaluator fed the same ops) and name the reason.
const cond = (op: Condition["op"], value: number, extra: Partial<Condition> = {}): Condition => ({
  stream: { kind: "market_price", subject: { symbol: "BTC-USD" } },
  field: "price",
  op,
  value,
  ...extra,
});
const registeredAfter = (_facts: AcceptedFact[], before: number) => ({ factsBefore: before });

describe("explain of a saved monitor agrees with live matching about when it was registered", () => {
  it("edge, already true when registered: matches at the first fact after registration, not before", () => {
    const facts = [px(0, 105), px(1, 106), px(2, 107)];
    const def = monitor(cond("gt", 100));
    const page = pageOf(explainPage(def, facts, {}, { registration: registeredAfter(facts, 2) }));
    expect(live(def, facts, 2)).toEqual([facts[2]?.eventId]);
    expect(page.rows.map((r) => [r.eventId, r.decision.outcome])).toEqual([[facts[2]?.eventId, "matched"]]);
    expect(page.notes?.[0]).toContain(
      "version 1 was registered after 2 stored fact(s) of its streams: they only build",
    );
    // Without a registration (a draft), the same log reads as registered before it: a backtest's answer.
    const draft = pageOf(explainPage(def, facts, {}));
    expect(draft.rows.map((r) => r.decision.reason)).toEqual([
      "matched",
      "suppressed: already true (edge)",
      "suppressed: already true (edge)",
    ]);
  });

  it("a crossing that happened before registration is history: its previous value still counts", () => {
    const facts = [px(0, 99), px(1, 101), px(2, 99), px(3, 102)];
    const def = monitor(cond("crosses_above", 100));
    const page = pageOf(explainPage(def, facts, {}, { registration: registeredAfter(facts, 2) }));
    expect(page.rows.map((r) => r.eventId)).toEqual([facts[2]?.eventId, facts[3]?.eventId]);
    expect(page.rows.filter((r) => r.decision.outcome === "matched").map((r) => r.eventId)).toEqual(
      live(def, facts, 2),
    );
  });

  it("for every registration point and fire policy, explain's matches are live's", () => {
    const values = fc.array(fc.integer({ min: 95, max: 105 }), { minLength: 1, maxLength: 12 });
    const preds = fc.constantFrom<Predicate>(
      cond("gt", 100),
      cond("crosses_above", 100, { hysteresis: 2 }),
      cond("lt", 100, { forMs: 2 * MIN }),
      { all: [cond("gt", 98), { not: cond("gt", 103) }] },
    );
    const fires = fc.constantFrom<Partial<MonitorDefinition["fire"]>>(
      { mode: "edge" },
      { mode: "level", cooldownMs: 3 * MIN },
      { mode: "level", once: true },
    );
    fc.assert(
      fc.property(values, preds, fires, fc.nat(), (vs, predicate, fire, cut) => {
        const facts = vs.map((v, i) => px(i, v));
        const before = cut % (facts.length + 1);
        const def = monitor(predicate, fire);
        const page = pageOf(explainPage(def, facts, { limit: 1000 }, { registration: registeredAfter(facts, before) }));
        const matched = page.rows.filter((r) => r.decision.outcome === "matched").map((r) => r.eventId);
        expect(matched).toEqual(live(def, facts, before));
        expect(page.rows.length).toBe(facts.length - before);
      }),
    );
  });

  it("registration carries over a page break (the cached replay resumes after it)", () => {
    const facts = [px(0, 105), px(1, 95), px(2, 105), px(3, 95), px(4, 105)];
    const def = monitor(cond("gt", 100));
    const registration = registeredAfter(facts, 1);
    const first = pageOf(explainPage(def, facts, { limit: 2 }, { registration }));
    const second = pageOf(explainPage(def, facts, { limit: 2, cursor: first.nextCursor ?? "" }, { registration }));
    expect(
      [...first.rows, ...second.rows].filter((r) => r.decision.outcome === "matched").map((r) => r.eventId),
    ).toEqual(live(def, facts, 1));
  });
});

describe("explain's notes name what no row can", () => {
  it("a subject typo: the stream has no stored fact", () => {
    const def = monitor({ ...cond("gt", 100), stream: { kind: "market_price", subject: { symbol: "BTCUSD" } } });
    const page = pageOf(explainPage(def, [], {}));
    expect(page.rows).toEqual([]);
    expect(page.notes).toEqual([expect.stringContaining("reads market_price:BTCUSD, which has no stored fact")]);
    // It names the search that finds BTC-USD (GET /v1/streams?q= matches substrings).
    expect(page.notes?.[0]).toContain("fabric streams ls --kind market_price --q BTC ");
  });

  it("a field the facts never carry", () => {
    const page = pageOf(explainPage(monitor(cond("gt", 100, { field: "bid" })), [px(0, 101), px(1, 102)], {}));
    expect(page.rows).toEqual([]);
    expect(page.notes).toEqual([
      'the condition reads field "bid" of market_price:BTC-USD, but none of its 2 stored facts carries it (they carry price): it was never evaluated.',
    ]);
  });

  it("a stale fact: it has no row, and the note says it was older than the stream's latest", () => {
    const facts = [px(10, 90), px(5, 120)];
    const page = pageOf(explainPage(monitor(cond("gt", 100)), facts, {}));
    expect(page.rows.map((r) => r.eventId)).toEqual([facts[0]?.eventId]);
    expect(page.notes).toContainEqual(
      `1 fact(s) of market_price:BTC-USD arrived older than the stream's latest and were stale: logged but never applied, so they evaluated nothing and have no row: ${facts[1]?.eventId} (observed 2026-11-22T10:05:00.000Z, after one observed 2026-11-22T10:10:00.000Z).`,
    );
  });

  it("a level that was passed but not held long enough gets no closest-miss note (the for-timer is the reason)", () => {
    const def = monitor(cond("gt", 100, { forMs: 3 * MIN }));
    const page = pageOf(explainPage(def, [px(0, 101), px(1, 102), px(2, 99), px(3, 103)], {}));
    expect(page.rows.map((r) => r.conditions[0]?.reason)).toContain(
      "99 is not > 100; ends a for-timer run started at 2026-11-22T10:00:00.000Z after 1m of 3m (forMs not reached)",
    );
    expect(page.notes).toBeUndefined();
  });

  it("a threshold never reached: the closest value and by how much it missed", () => {
    const page = pageOf(explainPage(monitor(cond("gt", 100)), [px(0, 97), px(1, 99.5), px(2, 98)], {}));
    expect(page.notes).toEqual([
      "the condition was never true here: its highest value was 99.5 at 2026-11-22T10:01:00.000Z, 0.5 from 100.",
    ]);
    const below = pageOf(
      explainPage(monitor({ all: [cond("gt", 0), cond("crosses_below", 90)] }), [px(0, 97), px(1, 93)], {}),
    );
    expect(below.notes).toEqual([
      "all.1 was never true here: its lowest value was 93 at 2026-11-22T10:01:00.000Z, 3 from 90.",
    ]);
  });
});
