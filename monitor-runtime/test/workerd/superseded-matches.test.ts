import { introspectWorkflow, introspectWorkflowInstance } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { instanceIdFor } from "../../src/runtime/ids";
import type { WakeMessage } from "../../src/runtime/wakes/wake-message";
import { CP, eventually, portfolioSessions, post, renv, seedMonitor, ticksOf } from "./runtime-helpers";

/**
 * DESIGN §3: "an update supersedes older versions everywhere, including in flight". A match made
 * by a version the monitor has moved on from wakes nothing, whether it reaches notify after the
 * update or was already accepted onto Queue "wakes" before it.
 */
describe("matches of a superseded monitor version", () => {
  it("notify-trigger-match answers {enqueued:false, reason:monitor_superseded} and starts nothing", async () => {
    await seedMonitor({ monitorId: "sv1" });
    await seedMonitor({ monitorId: "sv1" }, 2);
    await using wf = await introspectWorkflow(renv.TICK_WORKFLOW);
    const old = await post(`${CP}/notify-trigger-match`, {
      workflowId: "wf-sv1",
      monitorId: "sv1",
      matchId: "sv1~1~E1",
    });
    expect(old.status).toBe(202);
    expect(old.json).toEqual({ enqueued: false, reason: "monitor_superseded" });
    expect(await wf.get()).toHaveLength(0);
    // The version in force, and a matchId an outside caller chose (no version in it), still wake.
    const live = await post(`${CP}/notify-trigger-match`, {
      workflowId: "wf-sv1",
      monitorId: "sv1",
      matchId: "sv1~2~E2",
    });
    expect(live.json).toMatchObject({ enqueued: true });
    const free = await post(`${CP}/notify-trigger-match`, { workflowId: "wf-sv1", monitorId: "sv1", matchId: "ext-7" });
    expect(free.json).toMatchObject({ enqueued: true });
  });

  it("notify-trigger-matches and enqueue-tick refuse the old version's matches the same way", async () => {
    await seedMonitor({ monitorId: "sv2" });
    await seedMonitor({ monitorId: "sv2" }, 3);
    const batch = await post(`${CP}/notify-trigger-matches`, {
      matches: ["sv2~2~E1", "sv2~3~E2"].map((matchId) => ({ workflowId: "wf-sv2", monitorId: "sv2", matchId })),
    });
    expect(batch.status).toBe(202);
    expect(batch.json.results).toEqual([
      { matchId: "sv2~2~E1", status: 202, enqueued: false, reason: "monitor_superseded" },
      { matchId: "sv2~3~E2", status: 202, enqueued: true },
    ]);
    const enqueue = await post("/api/workflow-monitors/enqueue-tick", {
      workflowId: "wf-sv2",
      reason: "trigger_match",
      matchId: "sv2~1~E3",
    });
    expect(enqueue.status).toBe(202);
    expect(enqueue.json).toEqual({ enqueued: false, reason: "monitor_superseded" });
  });

  it("a wake accepted before the update is consumed without ticking the old version's match", async () => {
    await seedMonitor({ monitorId: "sv3" });
    const id = await instanceIdFor("wf-sv3", "trigger_match:sv3~1~E1");
    await using instance = await introspectWorkflowInstance(renv.TICK_WORKFLOW, id);
    // Accepted at version 1 (what notify-trigger-matches queued), then the monitor moved to version 2
    // before the paced consumer handed it on: a superseded wake alone, and one beside a live match.
    await seedMonitor({ monitorId: "sv3" }, 2);
    const monitor = {
      monitorId: "sv3",
      workflowId: "wf-sv3",
      ownerUserId: "u-1",
      portfolioId: "pf-sv3",
      enabled: true,
      checkIntervalMs: null,
      version: 1,
    };
    const wake = (matchId: string): WakeMessage => ({
      v: 1,
      monitor,
      wake: {
        wakeId: `trigger_match:${matchId}`,
        reason: "trigger_match",
        receivedAt: Date.now(),
        monitorId: "sv3",
        matchId,
      },
    });
    await renv.WAKES_QUEUE.send(wake("sv3~1~E1"));
    expect(await instance.waitForStepResult({ name: "tick-0-0" })).toBeNull();
    await eventually(
      () => portfolioSessions("pf-sv3"),
      (s) => s[0]?.phase === "waiting" && s[0].pendingWakeUps === 0,
    );
    expect(await ticksOf("wf-sv3")).toEqual([]);

    await renv.WAKES_QUEUE.sendBatch([wake("sv3~1~E2"), wake("sv3~2~E3")].map((body) => ({ body })));
    const ticks = await eventually(
      () => ticksOf("wf-sv3"),
      (t) => t.length > 0,
    );
    expect(ticks.flatMap((t) => t.matchIds ?? [])).toEqual(["sv3~2~E3"]);
  });
});
