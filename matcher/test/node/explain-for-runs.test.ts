import { describe, expect, it } from "vitest";
import type { ExplainRow } from "../../../shared/src/contract/explain";
import type { Condition } from "../../../shared/src/predicate";
import { explainPage, explainPageFrom } from "../../src/explain/explain-page";
import { fact, live, MIN, monitor, pageOf, px } from "./explain-scenario";

// "It was above for 2 of the 3 minutes, why no match?": the row where a for-timer run breaks says
// when the run started and how long it held of forMs.
const cond = (extra: Partial<Condition> & Pick<Condition, "op" | "value">): Condition => ({
  stream: { kind: "market_price", subject: { symbol: "BTC-USD" } },
  field: "price",
  ...extra,
});
const cursorOf = (out: ReturnType<typeof explainPage>): string => pageOf(out).nextCursor ?? "";
const reasons = (rows: ExplainRow[]) => rows.map((r) => r.conditions[0]?.reason);

describe("explain names the for-timer run a breaking fact ended", () => {
  it("a run that held 2m of 3m and broke: its start and how long, forMs not reached", () => {
    const def = monitor(cond({ op: "gt", value: 100, forMs: 3 * MIN }));
    const facts = [px(0, 101), px(1, 102), px(2, 103), px(3, 99), px(4, 98)];
    const page = pageOf(explainPage(def, facts, {}));
    expect(live(def, facts)).toEqual([]);
    expect(reasons(page.rows).slice(2)).toEqual([
      "for-timer started at 2026-11-22T10:00:00.000Z, 2m of 3m held",
      "99 is not > 100; ends a for-timer run started at 2026-11-22T10:00:00.000Z after 2m of 3m (forMs not reached)",
      // Only the breaking row says it: the next false row has no run to end.
      "98 is not > 100",
    ]);
  });

  it("a run that reached forMs (a match) and then broke: no 'not reached'", () => {
    const def = monitor(cond({ op: "gt", value: 100, forMs: 3 * MIN }));
    const facts = [px(0, 101), px(3, 102), px(4, 103), px(5, 99)];
    const page = pageOf(explainPage(def, facts, {}));
    expect(live(def, facts)).toEqual([facts[1]?.eventId]);
    const breaking = page.rows[3]?.conditions[0]?.reason ?? "";
    expect(breaking).toBe("99 is not > 100; ends a run held since 2026-11-22T10:00:00.000Z for 4m (forMs 3m reached)");
    expect(breaking).not.toContain("not reached");
  });

  it("a relative condition with forMs: the breaking row names the run of d", () => {
    const def = monitor(cond({ op: "gt", value: { field: "bid" }, forMs: 5 * MIN }));
    const facts = [
      fact("BTC-USD", 0, { price: 101, bid: 100 }),
      fact("BTC-USD", 4, { price: 102, bid: 100 }),
      fact("BTC-USD", 6, { price: 99, bid: 100 }),
    ];
    const page = pageOf(explainPage(def, facts, {}));
    expect(live(def, facts)).toEqual([]);
    expect(reasons(page.rows)[2]).toBe(
      "d = -1 is not > 0; ends a for-timer run started at 2026-11-22T10:00:00.000Z after 4m of 5m (forMs not reached)",
    );
  });

  it("a run that starts on one page and breaks on the next (the resumed replay carries it)", () => {
    const def = monitor(cond({ op: "gt", value: 100, forMs: 3 * MIN }));
    const facts = [px(0, 101), px(1, 102), px(2, 99)];
    // Page 1 replays fact 0 and stops at fact 1; page 2 resumes there and replays fact 2 (the break).
    const first = explainPageFrom(def, facts, { limit: 1 });
    const resumed = first.replay ? { resume: first.replay } : {};
    const second = explainPageFrom(def, facts.slice(2), { limit: 1, cursor: cursorOf(first.outcome) }, resumed);
    expect(pageOf(second.outcome).rows.map((r) => r.eventId)).toEqual([facts[1]?.eventId]);
    const again = second.replay ? { resume: second.replay } : {};
    const third = pageOf(explainPageFrom(def, [], { limit: 1, cursor: cursorOf(second.outcome) }, again).outcome);
    expect(reasons(third.rows)).toEqual([
      "99 is not > 100; ends a for-timer run started at 2026-11-22T10:00:00.000Z after 1m of 3m (forMs not reached)",
    ]);
  });
});
