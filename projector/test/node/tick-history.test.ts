import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { DomainEvent } from "../../../shared/src/events";
import { pruneTickHistory, tickRetentionMs } from "../../../shared/src/projections/tick-history";
import { startRebuildStatement } from "../../src/rebuild/shadow";
import { runRebuild } from "../../src/rebuild/steps";
import { eventsArb } from "./arbitraries";
import { freshDb } from "./helpers";
import { count, cutAt, deliver, projections, pruneScenario } from "./prune-helpers";

/**
 * Ticks a prune may take, in SQL as a second statement of the rule: recorded for a monitor, no
 * execution refs, neither that monitor's newest own tick nor the newest served tick of a monitor
 * its matchIds name.
 */
const PRUNABLE = `SELECT COUNT(*) AS n FROM event_log e WHERE type = 'tick_executed' AND occurred_at < ?
  AND json_extract(body, '$.data.monitorId') IS NOT NULL
  AND COALESCE(json_array_length(json_extract(body, '$.data.executionRefs')), 0) = 0
  AND NOT EXISTS (SELECT 1 FROM monitor_state s WHERE s.last_tick_id = json_extract(e.body, '$.data.tickId')
    AND s.monitor_id = json_extract(e.body, '$.data.monitorId'))
  AND NOT EXISTS (SELECT 1 FROM monitor_state s, json_each(COALESCE(json_extract(e.body, '$.data.matchIds'), '[]')) j
    WHERE s.last_served_tick_id = json_extract(e.body, '$.data.tickId')
      AND s.monitor_id = substr(j.value, 1, instr(j.value, '~') - 1)
      AND s.monitor_id != json_extract(e.body, '$.data.monitorId'))`;

/** Most generated ticks carry execution refs (kept for good): here two in three do not, so most can go. */
const withoutRefs = (events: DomainEvent[]) =>
  events.map((e, i) => {
    if (e.type !== "tick_executed" || i % 3 === 0) return e;
    const { executionRefs: _, ...data } = e.data;
    return { ...e, data };
  });

const scenario = pruneScenario(eventsArb(60).map(withoutRefs));

describe("tick history retention", () => {
  it("prunes the ticks a rebuild can do without, and a rebuild afterwards answers as the live tables", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ events, deliveries, cutPct, chunk }) => {
        const db = freshDb();
        await deliver(db, deliveries);
        const cut = cutAt(events, cutPct);
        const ticks = count(db, "SELECT COUNT(*) AS n FROM event_log WHERE type = 'tick_executed'");
        const prunable = count(db, PRUNABLE, cut);
        expect(await pruneTickHistory(db, cut, { chunk, maxChunks: 1000 })).toBe(prunable);
        expect(count(db, "SELECT COUNT(*) AS n FROM event_log WHERE type = 'tick_executed'")).toBe(ticks - prunable);
        expect(count(db, PRUNABLE, cut)).toBe(0);
        const live = projections(db);
        await db.batch([startRebuildStatement("r1", ["all"], 0)]);
        await runRebuild(db, "r1", { limit: 5 });
        expect(projections(db)).toEqual(live);
        // The cursor remembers where it stopped: the next run reads nothing it read before.
        expect(await pruneTickHistory(db, cut, { chunk, maxChunks: 1000 })).toBe(0);
      }),
      { numRuns: 200 },
    );
  });

  it("reads its retention in days, 0 (keep every tick) unless set", () => {
    expect(tickRetentionMs({})).toBe(0);
    expect(tickRetentionMs({ TICK_HISTORY_RETENTION_DAYS: "30" })).toBe(30 * 86_400_000);
    expect(tickRetentionMs({ TICK_HISTORY_RETENTION_DAYS: "soon" })).toBe(0);
  });
});
