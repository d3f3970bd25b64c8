import { introspectWorkflow } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { CP, eventually, post, renv, seedMonitor, stateOf } from "./runtime-helpers";

// A deploy replaces the Workflow's code under running instances: an instance started by an older
// fabric replays the steps it recorded under today's run loop. The code of commit efdb1c2 (before
// coalesced wakes and settle-and-take) recorded take steps as `{kind: "wake", wake}` (one wake-up)
// and settle steps as `{settled}`, and took the next work in the following take step. The steps
// below are mocked with exactly those recorded results (monitor without a linked portfolio: its
// session stays at ~<workflowId> across the deploy, so new matches ring that same old instance).
const OLD_WAKE = {
  wakeId: "trigger_match:rp1~1~E0",
  reason: "trigger_match",
  receivedAt: 1,
  monitorId: "rp1",
  matchId: "rp1~1~E0",
};
const OLD_TICK = {
  workflowId: "wf-rp1",
  monitorId: "rp1",
  userId: "u-1",
  portfolioId: null,
  tickId: "tick_old",
  reason: "trigger_match",
  tickedAt: 1,
  tickCount: 1,
  nextDueAt: null,
  executionRefs: [],
  waitFor: "trigger_matched",
  executor: "builtin",
};

describe("an instance replaying steps recorded by older code", () => {
  it("takes the next wake-up in its own step after an old settle, and ticks it", async () => {
    await seedMonitor({ monitorId: "rp1", linkedPortfolioIds: [] });
    await using wf = await introspectWorkflow(renv.TICK_WORKFLOW);
    await wf.modifyAll(async (m) => {
      await m.mockStepResult({ name: "take-0" }, { kind: "wake", wake: OLD_WAKE });
      await m.mockStepResult({ name: "tick-0-0" }, OLD_TICK);
      await m.mockStepResult({ name: "settle-0" }, { settled: true });
    });
    const r = await post(`${CP}/notify-trigger-match`, { workflowId: "wf-rp1", monitorId: "rp1", matchId: "rp1~1~E1" });
    expect(r.json).toMatchObject({ outcome: "accepted", delivery: "created" });
    const [instance] = await wf.get();
    // Today's loop read `{settled}` as the next work and went to wait with the wake-up still queued
    // (no bell comes for it: it was offered before the instance started), so it was never ticked.
    expect(await instance?.waitForStepResult({ name: "tick-1-0" })).toMatchObject({
      reason: "trigger_match",
      tickCount: 1,
    });
    const state = await eventually(
      () => stateOf("rp1"),
      (s) => s?.tick_count === 1,
    );
    expect(state?.last_tick_reason).toBe("trigger_match");
  });

  it("ticks a wake-up an old take step recorded but whose tick had not run before the deploy", async () => {
    await seedMonitor({ monitorId: "rp2", linkedPortfolioIds: [] });
    await using wf = await introspectWorkflow(renv.TICK_WORKFLOW);
    await wf.modifyAll(async (m) => {
      await m.mockStepResult(
        { name: "take-0" },
        {
          kind: "wake",
          wake: { ...OLD_WAKE, wakeId: "trigger_match:rp2~1~E1", monitorId: "rp2", matchId: "rp2~1~E1" },
        },
      );
    });
    await post(`${CP}/notify-trigger-match`, { workflowId: "wf-rp2", monitorId: "rp2", matchId: "rp2~1~E1" });
    const [instance] = await wf.get();
    // The recorded wake-up is ticked under its own id (a group of one keeps it), as the old code would have.
    expect(await instance?.waitForStepResult({ name: "tick-0-0" })).toMatchObject({ tickCount: 1 });
    const state = await eventually(
      () => stateOf("rp2"),
      (s) => s?.tick_count === 1,
    );
    expect(state?.tick_count).toBe(1);
  });
});
