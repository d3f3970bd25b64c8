import { introspectWorkflow } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { instanceIdFor } from "../../src/runtime/ids";
import type { TickResult } from "../../src/runtime/tick/tick-types";
import { CP, eventually, portfolioSessions, post, renv, seedMonitor, stateOf } from "./runtime-helpers";

const recover = (m: string, extra: Record<string, unknown> = {}) =>
  post(`${CP}/recover`, { workflowId: `wf-${m}`, ...extra });
const match = (m: string, matchId: string) =>
  post(`${CP}/notify-trigger-match`, { workflowId: `wf-${m}`, monitorId: m, matchId });

describe("recover", () => {
  it("starts a fresh tick when no instance is registered", async () => {
    await seedMonitor({ monitorId: "r1" });
    await using wf = await introspectWorkflow(renv.TICK_WORKFLOW);
    const r = await recover("r1", { requestId: "ops-1" });
    expect(r.status).toBe(202);
    expect(r.json).toMatchObject({ action: "started", workflowId: "wf-r1", wakeId: "recover:ops-1" });
    expect(r.json.instanceId).toBe(await instanceIdFor("wf-r1", "recover:ops-1"));
    const [instance] = await wf.get();
    expect(await instance?.waitForStepResult({ name: "tick-0-0" })).toMatchObject({ reason: "recover", tickCount: 1 });
  });

  it("replays an active event wait on the same instance", async () => {
    await seedMonitor({ monitorId: "r2" });
    await using wf = await introspectWorkflow(renv.TICK_WORKFLOW);
    await match("r2", "r2~1~E1");
    const [instance] = await wf.get();
    await instance?.waitForStepResult({ name: "tick-0-0" });
    await eventually(
      () => portfolioSessions("pf-r2"),
      (s) => s[0]?.phase === "waiting",
    );
    const r = await recover("r2", { requestId: "ops-2" });
    expect(r.status).toBe(202);
    expect(r.json).toMatchObject({
      action: "replayed",
      instanceId: await instanceIdFor("wf-r2", "trigger_match:r2~1~E1"),
    });
    const tick = (await instance?.waitForStepResult({ name: "tick-2-0" })) as TickResult;
    expect(tick).toMatchObject({ reason: "recover", tickCount: 2 });
    expect(await wf.get()).toHaveLength(1);
    // The same replay again is the same wake-up: nothing more.
    expect((await recover("r2", { requestId: "ops-2" })).json).toMatchObject({ action: "queued" });
  });

  it("replays an active execution_completed wait by ringing that event on the same instance", async () => {
    await seedMonitor({ monitorId: "r5" });
    expect((await post(`${CP}/execution-refs`, { workflowId: "wf-r5", runId: "run-r5" })).status).toBe(201);
    await using wf = await introspectWorkflow(renv.TICK_WORKFLOW);
    await match("r5", "r5~1~E1");
    const [instance] = await wf.get();
    await instance?.waitForStepResult({ name: "tick-0-0" });
    await eventually(
      () => portfolioSessions("pf-r5"),
      (s) => s[0]?.waitingOn === "execution_completed",
    );
    const r = await recover("r5", { requestId: "ops-5" });
    expect(r.json).toMatchObject({
      action: "replayed",
      instanceId: await instanceIdFor("wf-r5", "trigger_match:r5~1~E1"),
    });
    // Only an execution_completed event ends that wait: the recover wake-up is ticked at once.
    expect(await instance?.waitForStepResult({ name: "tick-2-0" })).toMatchObject({
      reason: "recover",
      tickCount: 2,
      waitFor: "execution_completed",
    });
    expect(await wf.get()).toHaveLength(1);
  });

  it("fails closed with 409 while the active instance only sleeps on time, and queues nothing", async () => {
    await seedMonitor({ monitorId: "r3" });
    await using wf = await introspectWorkflow(renv.TICK_WORKFLOW);
    await wf.modifyAll(async (m) => {
      await m.disableRetryDelays();
      await m.mockStepError({ name: "tick-0-0" }, new Error("tick facade down"));
    });
    await match("r3", "r3~1~E1");
    const [sleeping] = await eventually(
      () => portfolioSessions("pf-r3"),
      (s) => s[0]?.phase === "sleeping",
    );
    expect(sleeping?.sleepingUntil).toBeGreaterThan(Date.now());
    const r = await recover("r3");
    expect(r.status).toBe(409);
    expect(r.type).toContain("application/problem+json");
    expect(r.json.detail).toMatch(/sleeping on time/);
    const [after] = await portfolioSessions("pf-r3");
    expect(after).toMatchObject({ phase: "sleeping", pendingWakeUps: 1 });
    expect((await stateOf("r3"))?.tick_count ?? 0).toBe(0);
  });

  it("replaces an orphaned instance (terminated while it owned the session) and ticks again", async () => {
    await seedMonitor({ monitorId: "r4" });
    await using wf = await introspectWorkflow(renv.TICK_WORKFLOW);
    await match("r4", "r4~1~E1");
    const [first] = await wf.get();
    await first?.waitForStepResult({ name: "tick-0-0" });
    await eventually(
      () => portfolioSessions("pf-r4"),
      (s) => s[0]?.phase === "waiting",
    );
    const firstId = await instanceIdFor("wf-r4", "trigger_match:r4~1~E1");
    await (await renv.TICK_WORKFLOW.get(firstId)).terminate();
    const r = await recover("r4", { requestId: "ops-4" });
    expect(r.status).toBe(202);
    expect(r.json.action).toBe("started");
    expect(r.json.instanceId).not.toBe(firstId);
    const instances = await wf.get();
    expect(instances).toHaveLength(2);
    expect(await instances[1]?.waitForStepResult({ name: "tick-0-0" })).toMatchObject({
      reason: "recover",
      tickCount: 2,
    });
  });

  it("answers 404 for a workflow without a live monitor", async () => {
    expect((await recover("nobody")).status).toBe(404);
  });
});
