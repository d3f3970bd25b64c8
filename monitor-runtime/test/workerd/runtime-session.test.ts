import { introspectWorkflow, introspectWorkflowInstance } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { instanceIdFor } from "../../src/runtime/ids";
import type { TickResult } from "../../src/runtime/tick/tick-types";
import {
  CP,
  eventually,
  portfolioSessions,
  post,
  pricePacket,
  renv,
  seedMonitor,
  stateOf,
  userSessions,
} from "./runtime-helpers";

const match = (m: string, matchId: string, extra: Record<string, unknown> = {}) =>
  post(`${CP}/notify-trigger-match`, { workflowId: `wf-${m}`, monitorId: m, matchId, ...extra });
const ticks = async (m: string) => (await stateOf(m))?.tick_count ?? 0;
const settle = () => new Promise((r) => setTimeout(r, 300));

describe("WorkflowMonitorTickWorkflow sessions", () => {
  it("a trigger match creates one instance, ticks it with reason trigger_match, and mirrors the session", async () => {
    await seedMonitor({ monitorId: "s1", ownerUserId: "u-s1", linkedPortfolioIds: ["pf-s1", "pf-other"] });
    await using wf = await introspectWorkflow(renv.TICK_WORKFLOW);
    const id = await instanceIdFor("wf-s1", "trigger_match:s1~1~E1");
    const r = await match("s1", "s1~1~E1", { ownerUserId: "u-s1", triggerEvent: pricePacket(5) });
    expect(r.status).toBe(202);
    expect(r.json).toMatchObject({ enqueued: true, delivery: "created", instanceId: id, portfolioId: "pf-s1" });
    const instances = await wf.get();
    expect(instances).toHaveLength(1);
    const tick = (await instances[0]?.waitForStepResult({ name: "tick-0-0" })) as TickResult;
    expect(tick).toMatchObject({ reason: "trigger_match", tickCount: 1, userId: "u-s1", portfolioId: "pf-s1" });
    expect(await stateOf("s1")).toMatchObject({ tick_count: 1, last_tick_reason: "trigger_match" });

    const [pf] = await eventually(
      () => portfolioSessions("pf-s1"),
      (s) => s[0]?.phase === "waiting",
    );
    expect(pf).toMatchObject({
      workflowId: "wf-s1",
      userId: "u-s1",
      activeInstanceId: id,
      phase: "waiting",
      waitingOn: "trigger_matched",
      pendingWakeUps: 0,
      lastTick: { reason: "trigger_match", tickCount: 1, wakeId: "trigger_match:s1~1~E1" },
    });
    const [user] = await eventually(
      () => userSessions("u-s1"),
      (s) => s[0]?.phase === "waiting",
    );
    expect(user).toEqual(pf);
  });

  it("an execution completion is sent into the waiting instance, once, however often it is notified", async () => {
    await seedMonitor({ monitorId: "s2" });
    await using wf = await introspectWorkflow(renv.TICK_WORKFLOW);
    expect(
      (await post(`${CP}/execution-refs`, { workflowId: "wf-s2", operationId: "op-s2", runId: "run-s2" })).status,
    ).toBe(201);
    await match("s2", "s2~1~E1");
    const [instance] = await wf.get();
    const first = (await instance?.waitForStepResult({ name: "tick-0-0" })) as TickResult;
    // An execution is open: the session waits for its completion.
    expect(first.waitFor).toBe("execution_completed");
    await eventually(
      () => portfolioSessions("pf-s2"),
      (s) => s[0]?.waitingOn === "execution_completed",
    );

    const done = await post(`${CP}/notify-execution`, { runId: "run-s2", status: "succeeded" });
    expect(done.status).toBe(202);
    const id = await instanceIdFor("wf-s2", "trigger_match:s2~1~E1");
    expect(done.json).toMatchObject({ enqueued: true, delivery: "sent", instanceId: id });
    const second = (await instance?.waitForStepResult({ name: "tick-2-0" })) as TickResult;
    expect(second).toMatchObject({ reason: "execution_completed", tickCount: 2, waitFor: "trigger_matched" });

    const again = await post(`${CP}/notify-execution`, { operationId: "op-s2", status: "succeeded" });
    expect(again.json).toMatchObject({ enqueued: true, outcome: "duplicate" });
    await settle();
    expect(await ticks("s2")).toBe(2);
    expect(await wf.get()).toHaveLength(1);
    const refs = await renv.DB.prepare("SELECT status FROM workflow_execution_refs WHERE workflow_id = 'wf-s2'").all();
    expect(refs.results.map((r) => r.status)).toEqual(["succeeded", "succeeded"]);
  });

  it("wake-ups queued before the instance runs are ticked together before it waits, and a bell rung early ticks nothing", async () => {
    await seedMonitor({ monitorId: "s3" });
    const agent = renv.PORTFOLIO_AGENT.get(renv.PORTFOLIO_AGENT.idFromName("pf-s3"));
    const meta = { workflowId: "wf-s3", monitorId: "s3", userId: "u-1", portfolioId: "pf-s3" };
    const wake = (k: string) => ({
      wakeId: `trigger_match:${k}`,
      reason: "trigger_match" as const,
      receivedAt: Date.now(),
      matchId: k,
    });
    const id = await instanceIdFor("wf-s3", "trigger_match:A");
    // Both wake-ups are recorded before the instance exists (the "starting" phase).
    expect((await agent.offer(meta, wake("A"), id)).result).toMatchObject({ delivery: "start", instanceId: id });
    expect((await agent.offer(meta, wake("B"), "unused")).result).toMatchObject({ delivery: "start", instanceId: id });
    expect((await agent.offer(meta, wake("B"), "unused")).result).toMatchObject({ outcome: "duplicate" });

    await using instance = await introspectWorkflowInstance(renv.TICK_WORKFLOW, id);
    await renv.TICK_WORKFLOW.create({ id, params: { ...meta, home: "pf-s3" } });
    // One tick carries both pending matches.
    expect(await instance.waitForStepResult({ name: "take-0" })).toMatchObject({
      kind: "wake",
      work: { matchIds: ["A", "B"], wakeIds: ["trigger_match:A", "trigger_match:B"] },
    });
    expect(await instance.waitForStepResult({ name: "tick-0-0" })).toMatchObject({ tickCount: 1 });
    // A bell while it is still ticking: Workflows buffers it until the instance's first wait.
    await (await renv.TICK_WORKFLOW.get(id)).sendEvent({ type: "trigger_matched", payload: { wakeId: "bell" } });
    // The step after the tick settles it and takes the next work in one: nothing queued, wait.
    expect(await instance.waitForStepResult({ name: "settle-0" })).toEqual({ kind: "wait" });
    // The buffered bell ends wait-1 at once; there is nothing to take, so the instance waits again.
    expect(await instance.waitForStepResult({ name: "take-2" })).toEqual({ kind: "wait" });
    expect(await ticks("s3")).toBe(1);
  });

  it("the same match delivered twice during the wait, and stray bells, tick once", async () => {
    await seedMonitor({ monitorId: "s4" });
    await using wf = await introspectWorkflow(renv.TICK_WORKFLOW);
    await match("s4", "s4~1~E1");
    const [instance] = await wf.get();
    await instance?.waitForStepResult({ name: "tick-0-0" });
    await eventually(
      () => portfolioSessions("pf-s4"),
      (s) => s[0]?.phase === "waiting",
    );
    const [a, b] = await Promise.all([match("s4", "s4~1~E2"), match("s4", "s4~1~E2")]);
    expect([a.json.outcome, b.json.outcome].sort()).toEqual(["accepted", "duplicate"]);
    await instance?.waitForStepResult({ name: "tick-2-0" });
    await instance?.modify(async (m) => {
      await m.mockEvent({ type: "trigger_matched", payload: { wakeId: "trigger_match:s4~1~E2" } });
      await m.mockEvent({ type: "trigger_matched", payload: { wakeId: "trigger_match:s4~1~E2" } });
    });
    await settle();
    await eventually(
      () => portfolioSessions("pf-s4"),
      (s) => s[0]?.phase === "waiting",
    );
    expect(await ticks("s4")).toBe(2);
    expect(await wf.get()).toHaveLength(1);
  });

  it("after the wait times out the session ends, and the next match starts a new instance, once", async () => {
    await seedMonitor({ monitorId: "s5" });
    await using wf = await introspectWorkflow(renv.TICK_WORKFLOW);
    await wf.modifyAll(async (m) => {
      await m.forceEventTimeout({ name: "wait-1" });
    });
    await match("s5", "s5~1~E1");
    const [first] = await wf.get();
    await first?.waitForStatus("complete");
    expect(await first?.waitForStepResult({ name: "end-1" })).toEqual({ kind: "ended" });
    const [idle] = await eventually(
      () => portfolioSessions("pf-s5"),
      (s) => s[0]?.phase === "idle",
    );
    expect(idle).toMatchObject({ activeInstanceId: null, pendingWakeUps: 0, lastTick: { tickCount: 1 } });

    const again = await match("s5", "s5~1~E1");
    expect(again.json).toMatchObject({ outcome: "duplicate", delivery: "none" });
    const next = await match("s5", "s5~1~E2");
    expect(next.json).toMatchObject({
      delivery: "created",
      instanceId: await instanceIdFor("wf-s5", "trigger_match:s5~1~E2"),
    });
    await match("s5", "s5~1~E2");
    const instances = await wf.get();
    expect(instances).toHaveLength(2);
    expect(await instances[1]?.waitForStepResult({ name: "tick-0-0" })).toMatchObject({
      reason: "trigger_match",
      tickCount: 2,
    });
  });
});
