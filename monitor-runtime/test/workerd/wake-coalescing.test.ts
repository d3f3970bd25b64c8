import { introspectWorkflow } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { readMonitor } from "../../src/registry/read-model";
import { CP, eventually, portfolioSessions, post, renv, seedMonitor, type TickData, ticksOf } from "./runtime-helpers";

/**
 * Coalesced wakes through the real path: notify-trigger-matches → Queue "wakes" → the paced
 * consumer → the PortfolioAgent → WorkflowMonitorTickWorkflow → tick_executed in D1.
 */
const matchIdsOf = (ticks: TickData[]) => ticks.flatMap((t) => t.matchIds ?? []).sort();

describe("coalesced wakes", () => {
  it("wakes one workflow's N matches with fewer creations than matches, and its ticks see each matchId once", async () => {
    const monitors = Array.from({ length: 12 }, (_, i) => `crowd-${i}`);
    for (const monitorId of monitors) {
      await seedMonitor({ monitorId, workflowId: "wf-crowd", linkedPortfolioIds: ["pf-crowd"] });
    }
    await using wf = await introspectWorkflow(renv.TICK_WORKFLOW);
    // Every monitor of the workflow matches once, and one of them twice more.
    const round = (ids: string[]) =>
      ids.map((matchId) => ({ workflowId: "wf-crowd", monitorId: matchId.split("~")[0], matchId }));
    const first = round([...monitors.map((m) => `${m}~1~E1`), "crowd-0~1~E2", "crowd-0~1~E3"]);
    expect((await post(`${CP}/notify-trigger-matches`, { matches: first })).status).toBe(202);
    // The matcher redelivering the round (its answer was lost) names the same matches.
    expect((await post(`${CP}/notify-trigger-matches`, { matches: first })).status).toBe(202);

    const expected = first.map((m) => m.matchId).sort();
    const ticked = await eventually(
      () => ticksOf("wf-crowd"),
      (t) => matchIdsOf(t).length >= expected.length,
      60_000,
    );
    expect(matchIdsOf(ticked)).toEqual(expected);
    expect(ticked.length).toBeLessThan(expected.length);
    expect(ticked.every((t) => t.reason === "trigger_match")).toBe(true);
    // One session, one instance created for all of them.
    expect(await wf.get()).toHaveLength(1);
    // Each monitor reads as woken by the tick that carried its match, not only the one it was recorded for.
    for (const monitorId of monitors) {
      const state = (await readMonitor(renv.DB, monitorId))?.state;
      expect(state?.tickCount, monitorId).toBeGreaterThanOrEqual(1);
      expect(state?.lastTickReason, monitorId).toBe("trigger_match");
    }

    // Matches arriving while the instance waits ring it; its next tick carries them.
    await eventually(
      () => portfolioSessions("pf-crowd"),
      (s) => s[0]?.phase === "waiting" && s[0].pendingWakeUps === 0,
    );
    const second = round(monitors.slice(0, 6).map((m) => `${m}~1~E4`));
    expect((await post(`${CP}/notify-trigger-matches`, { matches: second })).status).toBe(202);
    const all = [...expected, ...second.map((m) => m.matchId)].sort();
    const later = await eventually(
      () => ticksOf("wf-crowd"),
      (t) => matchIdsOf(t).length >= all.length,
      60_000,
    );
    expect(matchIdsOf(later)).toEqual(all);
    expect(later.length - ticked.length).toBeLessThan(second.length);
    expect(await wf.get()).toHaveLength(1);

    // A late redelivery of both rounds, straight onto the queue's consumer path, ticks nothing again.
    expect((await post(`${CP}/notify-trigger-matches`, { matches: [...first, ...second] })).status).toBe(202);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(matchIdsOf(await ticksOf("wf-crowd"))).toEqual(all);

    const stats = await renv.DB.prepare("SELECT delivered, wakes, coalesced FROM wake_backlog WHERE id = 0").first<{
      delivered: number;
      wakes: number;
      coalesced: number;
    }>();
    expect(stats?.coalesced).toBeGreaterThan(0);
    expect(stats?.wakes).toBeLessThan(stats?.delivered ?? 0);
  });
});
