import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyEvents } from "../../../shared/src/projections/apply";
import { matchRetentionMs, pruneMatchHistory } from "../../../shared/src/projections/match-history";
import { startRebuildStatement } from "../../src/rebuild/shadow";
import { runRebuild } from "../../src/rebuild/steps";
import { eventsArb } from "./arbitraries";
import { freshDb } from "./helpers";
import { count, cutAt, deliver, projections, pruneScenario } from "./prune-helpers";

const scenario = pruneScenario(eventsArb());

describe("match history retention", () => {
  it("prunes every match recorded before the cut, and a rebuild afterwards answers as the live tables", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ events, deliveries, cutPct, chunk }) => {
        const db = freshDb();
        await deliver(db, deliveries);
        const cut = cutAt(events, cutPct);
        await pruneMatchHistory(db, cut, { chunk, maxChunks: 1000 });

        expect(
          count(db, "SELECT COUNT(*) AS n FROM event_log WHERE type = 'trigger_matched' AND occurred_at < ?", cut),
        ).toBe(0);
        // Every remaining match row still has an event to be rebuilt from, and no monitor counts a pruned one.
        expect(
          count(
            db,
            `SELECT COUNT(*) AS n FROM trigger_matches t WHERE NOT EXISTS (SELECT 1 FROM event_log e
               WHERE e.type = 'trigger_matched' AND json_extract(e.body, '$.data.matchId') = t.match_id)`,
          ),
        ).toBe(0);
        const live = projections(db);
        await db.batch([startRebuildStatement("r1", ["all"], 0)]);
        await runRebuild(db, "r1", { limit: 5 });
        expect(projections(db)).toEqual(live);
      }),
      { numRuns: 200 },
    );
  });

  it("keeps a monitor's newer matches, its count of them and its last match; all gone leaves none", async () => {
    const db = freshDb();
    const [events] = fc.sample(eventsArb(40, 40), { numRuns: 1, seed: 11 });
    await applyEvents(db, events ?? []);
    const state = () =>
      db.db
        .prepare("SELECT monitor_id, match_count, last_match_id FROM monitor_state WHERE match_count > 0 ORDER BY 1")
        .all() as { monitor_id: string; match_count: number; last_match_id: string }[];
    const before = state();
    expect(before.length).toBeGreaterThan(0);
    await pruneMatchHistory(db, Number.MAX_SAFE_INTEGER);
    expect(count(db, "SELECT COUNT(*) AS n FROM trigger_matches")).toBe(0);
    expect(state()).toEqual([]);
    expect(count(db, "SELECT COUNT(*) AS n FROM monitor_state WHERE last_match_id IS NOT NULL")).toBe(0);
  });

  it("prunes nothing while a rebuild runs (it reads event_log over several batches)", async () => {
    const db = freshDb();
    const [events] = fc.sample(eventsArb(40, 40), { numRuns: 1, seed: 11 });
    await applyEvents(db, events ?? []);
    const matches = count(db, "SELECT COUNT(*) AS n FROM trigger_matches");
    await db.batch([startRebuildStatement("r1", ["all"], 0)]);
    expect(await pruneMatchHistory(db, Number.MAX_SAFE_INTEGER)).toBe(0);
    expect(count(db, "SELECT COUNT(*) AS n FROM trigger_matches")).toBe(matches);
  });

  it("reads its retention in days, 0 (keep everything) unless set", () => {
    expect(matchRetentionMs({})).toBe(0);
    expect(matchRetentionMs({ MATCH_HISTORY_RETENTION_DAYS: "7" })).toBe(7 * 86_400_000);
    expect(matchRetentionMs({ MATCH_HISTORY_RETENTION_DAYS: "0" })).toBe(0);
    expect(matchRetentionMs({ MATCH_HISTORY_RETENTION_DAYS: "soon" })).toBe(0);
  });
});
