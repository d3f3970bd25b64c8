import { describe, expect, it } from "vitest";
import { portfolioAgent } from "../../src/runtime/delivery/agents";
import type { SessionMeta } from "../../src/runtime/session/session-store";
import type { Wake } from "../../src/runtime/session/wake";
import { renv } from "./runtime-helpers";

// The step after every tick settles it and takes the next work in one agent call; a workflow step
// may run twice (a retry after the agent answered), so repeating it must change nothing.
const meta: SessionMeta = { workflowId: "wf-st", monitorId: "st", userId: "u-st", portfolioId: null };
const wake = (matchId: string, receivedAt: number): Wake => ({
  wakeId: `trigger_match:${matchId}`,
  reason: "trigger_match",
  receivedAt,
  monitorId: "st",
  matchId,
});
const next = (waitUntil: number) => ({ instanceId: "inst-st", waitFor: "trigger_matched" as const, waitUntil });

describe("PortfolioAgent.settleAndTake", () => {
  it("settles the ticked wake-ups and takes the next group, the same group when repeated, then waits", async () => {
    const agent = portfolioAgent(renv, "~wf-st");
    await agent.offerAll(meta, [wake("a", 1)], "inst-st");
    const first = await agent.take("wf-st", "inst-st", "trigger_matched", Date.now() + 60_000);
    expect(first.result).toMatchObject({ kind: "wake", wakes: [{ wakeId: "trigger_match:a" }] });
    await agent.offerAll(meta, [wake("b", 2), wake("c", 3)], "inst-other");

    const tick = {
      tickId: "t1",
      wakeId: "trigger_match:a",
      reason: "trigger_match",
      tickedAt: 10,
      tickCount: 1,
      nextDueAt: null,
      waitFor: "trigger_matched",
    };
    const once = await agent.settleAndTake("wf-st", ["trigger_match:a"], tick, next(Date.now() + 60_000));
    const twice = await agent.settleAndTake("wf-st", ["trigger_match:a"], tick, next(Date.now() + 60_000));
    for (const taken of [once, twice]) {
      expect(taken.result).toMatchObject({
        kind: "wake",
        wakes: [{ wakeId: "trigger_match:b" }, { wakeId: "trigger_match:c" }],
      });
      expect(taken.mirror).toMatchObject({ phase: "ticking", pendingWakeUps: 2, lastTick: { tickId: "t1" } });
    }

    const ids = ["trigger_match:b", "trigger_match:c"];
    const done = await agent.settleAndTake("wf-st", ids, { ...tick, tickId: "t2" }, next(Date.now() + 60_000));
    const again = await agent.settleAndTake("wf-st", ids, { ...tick, tickId: "t2" }, next(Date.now() + 60_000));
    for (const taken of [done, again]) {
      expect(taken.result).toEqual({ kind: "wait" });
      expect(taken.mirror).toMatchObject({ phase: "waiting", pendingWakeUps: 0, lastTick: { tickId: "t2" } });
    }
    // A settled wake-up offered again is a duplicate: it is not queued a second time.
    const redelivered = await agent.offerAll(meta, [wake("a", 1)], "inst-st");
    expect(redelivered.result.outcomes).toEqual(["duplicate"]);
    expect(redelivered.mirror).toMatchObject({ pendingWakeUps: 0 });
  });

  it("answers superseded to an instance that no longer owns the session, and still settles", async () => {
    const agent = portfolioAgent(renv, "~wf-st2");
    const m = { ...meta, workflowId: "wf-st2" };
    await agent.offerAll(m, [wake("x", 1)], "inst-owner");
    await agent.take("wf-st2", "inst-owner", "trigger_matched", Date.now() + 60_000);
    const taken = await agent.settleAndTake("wf-st2", ["trigger_match:x"], null, {
      instanceId: "inst-stranger",
      waitFor: "trigger_matched",
      waitUntil: Date.now() + 60_000,
    });
    expect(taken.result).toEqual({ kind: "superseded" });
    expect(taken.mirror).toMatchObject({ activeInstanceId: "inst-owner", pendingWakeUps: 0 });
  });
});
