import { describe, expect, it } from "vitest";
import { parseDomainEvent } from "../../../shared/src/events";
import { applyEvents } from "../../../shared/src/projections/apply";
import { ulidOf } from "./arbitraries";
import { freshDb } from "./helpers";

const T0 = Date.UTC(2026, 10, 22);
let n = 0;
const event = (type: string, aggregateType: string, aggregateId: string, version: number, data: object) =>
  parseDomainEvent({
    eventId: ulidOf(++n),
    type,
    schemaVersion: 1,
    aggregateType,
    aggregateId,
    aggregateVersion: version,
    occurredAt: T0 + n,
    data,
  });
const registered = (m: string) =>
  event("monitor_registered", "monitor", m, 1, {
    monitorId: m,
    version: 1,
    workflowId: "wf1",
    ownerUserId: "u1",
    linkedPortfolioIds: [],
    predicate: { stream: { kind: "market_price", subject: { symbol: "X" } }, field: "price", op: "gt", value: 1 },
    fire: {},
    checkIntervalMs: 60_000,
  });
/** One wake of wf1 carrying matches of m1 (recorded for it) and two of m2, plus one an outside caller named. */
const coalescedTick = (tickId: string, tickedAt: number) =>
  event("tick_executed", "workflow", "wf1", 1, {
    workflowId: "wf1",
    monitorId: "m1",
    reason: "trigger_match",
    tickId,
    tickedAt,
    nextDueAt: tickedAt + 60_000,
    matchIds: [`m1~1~${ulidOf(1)}`, `m2~1~${ulidOf(2)}`, `m2~1~${ulidOf(3)}`, "outside-caller-id"],
  });

describe("a coalesced wake's tick", () => {
  const monitors = ["m1", "m2", "m3"].map(registered);
  const ticks = [coalescedTick("t1", T0 + 100), coalescedTick("t2", T0 + 200)];
  const state = (db: ReturnType<typeof freshDb>) =>
    db.db
      .prepare(
        "SELECT monitor_id, tick_count, served_tick_count, last_served_tick_id, next_due_at FROM monitor_state ORDER BY monitor_id",
      )
      .all();

  it("counts for every monitor whose match it carried, once per tick, leaving their schedules alone", async () => {
    const registeredOnly = freshDb();
    await applyEvents(registeredOnly, monitors);
    const dueAt = (m: string) =>
      (state(registeredOnly).find((r) => r.monitor_id === m) as { next_due_at: number }).next_due_at;
    const db = freshDb();
    await applyEvents(db, [...monitors, ...ticks, ticks[0] as (typeof ticks)[0]]);
    expect(state(db)).toEqual([
      { monitor_id: "m1", tick_count: 2, served_tick_count: 0, last_served_tick_id: null, next_due_at: T0 + 60_200 },
      // m2's matches were in both ticks; its next_due_at is still its registration's (its own schedule).
      { monitor_id: "m2", tick_count: 0, served_tick_count: 2, last_served_tick_id: "t2", next_due_at: dueAt("m2") },
      { monitor_id: "m3", tick_count: 0, served_tick_count: 0, last_served_tick_id: null, next_due_at: dueAt("m3") },
    ]);
  });

  it("gives the same rows in any order", async () => {
    const inOrder = freshDb();
    await applyEvents(inOrder, [...monitors, ...ticks]);
    const reversed = freshDb();
    await applyEvents(reversed, [...ticks].reverse());
    await applyEvents(reversed, monitors);
    expect(state(reversed)).toEqual(state(inOrder));
  });
});
