import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SseParser } from "../../../shared/src/sse";
import { recordedMatch } from "../../src/match-feed/match-view";
import {
  afterPage,
  type FeedRow,
  fellBehind,
  type MatchFilters,
  passes,
  type Subscription,
} from "../../src/match-feed/subscription";

const row = (seq: number, monitorId: string, workflowId = `wf-${monitorId}`, ownerUserId = "u1"): FeedRow => ({
  seq,
  matchId: `${monitorId}~1~${String(seq).padStart(4, "0")}`,
  monitorId,
  workflowId,
  ownerUserId,
  view: JSON.stringify({ matchId: `${monitorId}~1~${seq}` }),
});

describe("match stream filters", () => {
  it("passes every match with no filter, and only those that hold every given filter", () => {
    const r = row(1, "m1", "wf1", "u1");
    expect(passes(r, {})).toBe(true);
    expect(passes(r, { monitorId: "m1", workflowId: "wf1", ownerUserId: "u1" })).toBe(true);
    expect(passes(r, { monitorId: "m1", ownerUserId: "u2" })).toBe(false);
    expect(passes(r, { workflowId: "wf2" })).toBe(false);
  });
});

describe("match stream paging (afterPage)", () => {
  const sub: Subscription = { filters: {}, cursor: 3, waiting: false };

  it("sends a page as SSE frames and stops waiting", () => {
    const { send, next } = afterPage(sub, [row(4, "m1"), row(5, "m2")], 10, 5);
    expect(next).toEqual({ filters: {}, cursor: 5, waiting: false });
    expect(new SseParser().push(send ?? "").map((e) => [e.id, e.event])).toEqual([
      ["m1~1~0004", "match"],
      ["m2~1~0005", "match"],
    ]);
  });

  it("waits on an empty page, moving the cursor past rows its filters skipped", () => {
    expect(afterPage({ ...sub, filters: { monitorId: "m9" } }, [], 10, 42)).toEqual({
      send: null,
      next: { filters: { monitorId: "m9" }, cursor: 42, waiting: true },
    });
  });

  it("after a full page, resumes right after its last row, not at the newest", () => {
    expect(afterPage(sub, [row(4, "m1"), row(9, "m1")], 2, 100).next.cursor).toBe(9);
  });

  it("delivers every matching row exactly once, in order, whatever the page size (model)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom("m1", "m2", "m3"), { maxLength: 60 }),
        fc.integer({ min: 1, max: 7 }),
        fc.constantFrom<MatchFilters>({}, { monitorId: "m2" }, { workflowId: "wf-m3" }),
        (monitors, limit, filters) => {
          const rows = monitors.map((m, i) => row(i + 1, m));
          const newest = rows.length;
          let s: Subscription = { filters, cursor: 0, waiting: false };
          const seen: string[] = [];
          for (let guard = 0; guard < 200 && !s.waiting; guard++) {
            const page = rows.filter((r) => r.seq > s.cursor && passes(r, filters)).slice(0, limit);
            const { send, next } = afterPage(s, page, limit, newest);
            seen.push(...new SseParser().push(send ?? "").map((e) => e.id));
            s = next;
          }
          expect(s.waiting).toBe(true);
          expect(seen).toEqual(rows.filter((r) => passes(r, filters)).map((r) => r.matchId));
        },
      ),
    );
  });
});

describe("fellBehind", () => {
  it("holds only for a stream with a page out whose next rows the journal no longer has", () => {
    const out = (cursor: number): Subscription => ({ filters: {}, cursor, waiting: false });
    expect(fellBehind(out(10), 11)).toBe(false); // row 11 is the next one, still held
    expect(fellBehind(out(10), 12)).toBe(true); // row 11 was trimmed before it was sent
    expect(fellBehind(out(0), 1)).toBe(false);
    // A waiting stream was shown every row recorded since its cursor: trimmed ones were not its.
    expect(fellBehind({ ...out(10), waiting: true }, 500)).toBe(false);
  });
});

describe("recordedMatch", () => {
  it("shows a trigger_matched body as the matches route does, keeping the filter keys aside", () => {
    const body = {
      matchId: "m1~2~01K",
      monitorId: "m1",
      monitorVersion: 2,
      eventId: "01K",
      observedAt: 5,
      streamKey: "market_price:BTC-USD",
      workflowId: "wf1",
      ownerUserId: "u1",
      triggerEvent: { kind: "market_price" },
    };
    const m = recordedMatch(body);
    expect([m.matchId, m.monitorId, m.workflowId, m.ownerUserId]).toEqual(["m1~2~01K", "m1", "wf1", "u1"]);
    expect(m.view).toBe(
      '{"matchId":"m1~2~01K","monitorId":"m1","monitorVersion":2,"eventId":"01K","observedAt":5,"workflowId":"wf1","portfolioId":null,"triggerEvent":{"kind":"market_price"}}',
    );
  });
});
