import { describe, expect, it } from "vitest";
import { DomainEventSchema } from "../../../shared/src/events";
import { newId } from "../../../shared/src/ids";
import { applyEvents } from "../../../shared/src/projections/apply";
import { d1Executor } from "../../../shared/src/projections/sql";
import { dueMonitorsStatement } from "../../src/runtime/store/projections";
import { CP, call, renv } from "./runtime-helpers";

/**
 * The cron's due scan reads the next_due_at index from the most overdue on. Stopped monitors
 * (removed, disabled, recorded as expired) keep the next_due_at of their last tick, so they sat at
 * the front of that index and every scan walked past all of them. They are out of the index now:
 * a scan's reads do not grow with the number of stopped monitors, and one re-enabled is due again.
 */
const T0 = Date.parse("2026-11-22T10:00:00.000Z");
let n = 0;
const event = (type: string, monitorId: string, version: number, data: Record<string, unknown>) =>
  DomainEventSchema.parse({
    eventId: newId(T0 + ++n),
    type,
    schemaVersion: 1,
    aggregateType: "monitor",
    aggregateId: monitorId,
    aggregateVersion: version,
    occurredAt: T0 + n,
    data,
  });
const definition = (monitorId: string, version: number, enabled: boolean) => ({
  monitorId,
  version,
  workflowId: `wf-${monitorId}`,
  ownerUserId: "u-due",
  linkedPortfolioIds: [],
  predicate: { stream: { kind: "market_price", subject: { symbol: "DUE" } }, field: "price", op: "gt", value: 1 },
  fire: { mode: "edge", cooldownMs: 0, once: false },
  enabled,
  checkIntervalMs: 60_000,
});

describe("the due scan and stopped monitors", () => {
  it("reads no stopped monitor's row, however many are overdue, and picks a re-enabled one up again", async () => {
    const events = [];
    for (let i = 0; i < 300; i++) {
      const id = `stopped-${i}`;
      events.push(event("monitor_registered", id, 1, definition(id, 1, true)));
      // A third removed, a third disabled, a third with monitor_expired recorded.
      if (i % 3 === 0) events.push(event("monitor_removed", id, 2, { monitorId: id }));
      if (i % 3 === 1) events.push(event("monitor_updated", id, 2, definition(id, 2, false)));
      if (i % 3 === 2) events.push(event("monitor_expired", id, 1, { monitorId: id, version: 1, expiresAt: T0 }));
    }
    events.push(event("monitor_registered", "due-live", 1, definition("due-live", 1, true)));
    for (let i = 0; i < events.length; i += 200) await applyEvents(d1Executor(renv.DB), events.slice(i, i + 200));

    const scan = await dueMonitorsStatement(renv.DB, Date.now(), 500).all<{ monitor_id: string }>();
    expect(
      scan.results.map((r) => r.monitor_id).filter((id) => id.startsWith("stopped-") || id === "due-live"),
    ).toEqual(["due-live"]);
    // Every due monitor of this file's other tests is at most a handful; 300 stopped ones are not read.
    expect(scan.meta.rows_read).toBeLessThan(50);

    // Re-enabled (its update as the registry records it): due again on its interval.
    await applyEvents(d1Executor(renv.DB), [
      event("monitor_updated", "stopped-1", 3, definition("stopped-1", 3, true)),
    ]);
    const due = await call("POST", `${CP}/due`, { requestId: newId(Date.now()), workerId: "test", limit: 500 });
    const ids = (due.json.monitors as { monitorId: string }[]).map((m) => m.monitorId);
    expect(ids.filter((id) => id.startsWith("stopped-"))).toEqual(["stopped-1"]);
  });
});
