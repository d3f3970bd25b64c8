import { createScheduledController } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { parseDomainEvent } from "../../../shared/src/events";
import { deterministicUlid } from "../../../shared/src/ids";
import { applyEvents } from "../../../shared/src/projections/apply";
import { d1Executor } from "../../../shared/src/projections/sql";
import worker from "../../src/index";
import { CP, call, renv } from "./runtime-helpers";

const DAY = 86_400_000;

async function matched(monitorId: string, observedAt: number) {
  const cause = await deterministicUlid(observedAt, "fact", `${monitorId}-${observedAt}`);
  const matchId = `${monitorId}~1~${cause}`;
  return parseDomainEvent({
    eventId: await deterministicUlid(observedAt, "trigger_matched", matchId),
    type: "trigger_matched",
    schemaVersion: 2,
    aggregateType: "monitor",
    aggregateId: monitorId,
    aggregateVersion: 1,
    occurredAt: observedAt,
    data: {
      matchId,
      monitorId,
      monitorVersion: 1,
      eventId: cause,
      observedAt,
      streamKey: "market_price:HIST",
      workflowId: "wf-hist",
      ownerUserId: "u-hist",
      portfolioId: null,
      triggerEvent: { kind: "market_price", subject: { symbol: "HIST" }, observedAt, data: { price: 1 } },
    },
  });
}

const rows = async (sql: string) => (await renv.DB.prepare(sql).all<Record<string, unknown>>()).results;

describe("the cron's match history retention", () => {
  it("prunes matches older than MATCH_HISTORY_RETENTION_DAYS (90 in this test project; off by default) and keeps newer ones", async () => {
    const now = Date.now();
    const old = await matched("hist-1", now - 100 * DAY);
    const recent = await matched("hist-1", now - 10 * DAY);
    await applyEvents(d1Executor(renv.DB), [old, recent]);
    expect(await rows("SELECT match_count FROM monitor_state WHERE monitor_id = 'hist-1'")).toEqual([
      { match_count: 2 },
    ]);

    await worker.scheduled(createScheduledController({ scheduledTime: now, cron: "* * * * *" }), renv);

    const kept = recent.type === "trigger_matched" ? recent.data.matchId : "";
    expect(await rows("SELECT match_id FROM trigger_matches WHERE monitor_id = 'hist-1'")).toEqual([
      { match_id: kept },
    ]);
    expect(
      await rows("SELECT event_id FROM event_log WHERE type = 'trigger_matched' AND aggregate_id = 'hist-1'"),
    ).toEqual([{ event_id: recent.eventId }]);
    expect(await rows("SELECT match_count, last_match_id FROM monitor_state WHERE monitor_id = 'hist-1'")).toEqual([
      { match_count: 1, last_match_id: kept },
    ]);
  });

  it("runs through the due-scan admin route too (locally the way to run the cron)", async () => {
    const now = Date.now();
    const old = await matched("hist-2", now - 91 * DAY);
    await applyEvents(d1Executor(renv.DB), [old]);
    expect(await rows("SELECT match_id FROM trigger_matches WHERE monitor_id = 'hist-2'")).toHaveLength(1);
    const scan = await call("POST", `${CP}/due-scan`, {});
    expect(scan.status).toBe(200);
    expect(await rows("SELECT match_id FROM trigger_matches WHERE monitor_id = 'hist-2'")).toEqual([]);
    expect(await rows("SELECT match_count, last_match_id FROM monitor_state WHERE monitor_id = 'hist-2'")).toEqual([]);
  });

  it("prunes ticks older than TICK_HISTORY_RETENTION_DAYS, keeping each monitor's newest", async () => {
    const now = Date.now();
    const tick = async (tickId: string, tickedAt: number) =>
      parseDomainEvent({
        eventId: await deterministicUlid(tickedAt, "tick_executed", "wf-ticks", tickId),
        type: "tick_executed",
        schemaVersion: 1,
        aggregateType: "workflow",
        aggregateId: "wf-ticks",
        aggregateVersion: 0,
        occurredAt: tickedAt,
        data: { workflowId: "wf-ticks", monitorId: "ticks-1", reason: "due", tickId, tickedAt, nextDueAt: null },
      });
    // Three old ticks, the newest of them the monitor's last: two go, the last stays.
    await applyEvents(d1Executor(renv.DB), [
      await tick("tk-1", now - 120 * DAY),
      await tick("tk-2", now - 110 * DAY),
      await tick("tk-3", now - 100 * DAY),
    ]);
    await worker.scheduled(createScheduledController({ scheduledTime: now, cron: "* * * * *" }), renv);
    expect(
      await rows("SELECT json_extract(body, '$.data.tickId') AS id FROM event_log WHERE aggregate_id = 'wf-ticks'"),
    ).toEqual([{ id: "tk-3" }]);
    expect(await rows("SELECT tick_count, last_tick_id FROM monitor_state WHERE monitor_id = 'ticks-1'")).toEqual([
      { tick_count: 1, last_tick_id: "tk-3" },
    ]);
  });
});
