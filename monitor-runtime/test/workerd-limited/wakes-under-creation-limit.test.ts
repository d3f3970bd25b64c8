import { describe, expect, it } from "vitest";
import { CP, eventually, post, renv, seedMonitor, stateOf } from "../workerd/runtime-helpers";

/**
 * This project runs the monitor runtime with a simulated Workflows creation limit of 3 per
 * second (SIMULATED_CREATE_LIMIT_PER_S) and the wakes consumer paced above it (WAKE_RATE_PER_S
 * 40), so the platform's 429 happens for real in the path and must cost nothing but time.
 */
const backlog = () =>
  renv.DB.prepare("SELECT accepted, delivered, rate_limited FROM wake_backlog WHERE id = 0").first<{
    accepted: number;
    delivered: number;
    rate_limited: number;
  }>();

describe("trigger-match wake-ups under the platform's creation limit", () => {
  it("wakes every matched monitor exactly once though creations are refused above the rate, and counts the backlog", async () => {
    const ids = Array.from({ length: 24 }, (_, i) => `crash-${i}`);
    for (const id of ids) await seedMonitor({ monitorId: id });
    const matches = ids.map((id, i) => ({ workflowId: `wf-${id}`, monitorId: id, matchId: `${id}~1~01CRASH${i}` }));

    const first = await post(`${CP}/notify-trigger-matches`, { matches });
    expect(first.status).toBe(202);
    expect((first.json.results as { enqueued: boolean }[]).every((r) => r.enqueued)).toBe(true);
    // The matcher retrying the same round (its answer was lost) names the same wake-ups.
    expect((await post(`${CP}/notify-trigger-matches`, { matches })).status).toBe(202);

    const ticked = await eventually(
      async () => Promise.all(ids.map(stateOf)),
      (states) => states.every((s) => (s?.tick_count ?? 0) >= 1),
      90_000,
    );
    expect(ticked.map((s) => [s?.tick_count, s?.last_tick_reason])).toEqual(ids.map(() => [1, "trigger_match"]));
    const done = await eventually(backlog, (b) => b?.delivered === b?.accepted, 30_000);
    expect(done).toMatchObject({ accepted: 48, delivered: 48 });
    expect(done?.rate_limited).toBeGreaterThan(0);
    // Settled: a late duplicate of a round changes nothing.
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await Promise.all(ids.map(stateOf))).map((s) => s?.tick_count)).toEqual(ids.map(() => 1));
  });

  it("answers each match as notify-trigger-match would: unknown 404, other owner 403, disabled not enqueued", async () => {
    await seedMonitor({ monitorId: "quiet", enabled: false });
    await seedMonitor({ monitorId: "owned", ownerUserId: "u-9" });
    const r = await post(`${CP}/notify-trigger-matches`, {
      matches: [
        { workflowId: "wf-nobody", monitorId: "nobody", matchId: "nobody~1~E1" },
        { workflowId: "wf-owned", monitorId: "owned", matchId: "owned~1~E1", ownerUserId: "u-1" },
        { workflowId: "wf-quiet", monitorId: "quiet", matchId: "quiet~1~E1" },
      ],
    });
    expect(r.status).toBe(202);
    expect(r.json.results).toMatchObject([
      { matchId: "nobody~1~E1", status: 404, enqueued: false },
      { matchId: "owned~1~E1", status: 403, enqueued: false },
      { matchId: "quiet~1~E1", status: 202, enqueued: false, reason: "monitor_disabled" },
    ]);
  });

  it("refuses an empty round with a 400 naming the path, and one over 100 matches with a 413 saying the limit", async () => {
    const empty = await post(`${CP}/notify-trigger-matches`, { matches: [] });
    expect(empty.status).toBe(400);
    expect(empty.type).toContain("application/problem+json");
    expect(empty.json.errors?.[0]?.path).toBe("matches");
    const tooMany = Array.from({ length: 101 }, (_, i) => ({ workflowId: "wf", monitorId: "m", matchId: `m~1~${i}` }));
    const over = await post(`${CP}/notify-trigger-matches`, { matches: tooMany });
    expect(over.status).toBe(413);
    expect(over.type).toContain("application/problem+json");
    expect(JSON.stringify(over.json)).toContain("at most 100 matches, got 101");
  });
});
