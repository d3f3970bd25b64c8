import { introspectWorkflow } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { instanceIdFor } from "../../src/runtime/ids";
import type { Taken } from "../../src/runtime/workflow/session-steps";
import {
  ADMIN,
  CP,
  eventually,
  portfolioSessions,
  post,
  pricePacket,
  renv,
  seedMonitor,
  stateOf,
} from "./runtime-helpers";

/**
 * The callback seams of seed 000 beyond the happy paths in runtime-session.test.ts: what
 * notify-execution validates ("a terminal execution ref"), its fallback when no session waits, the
 * fact packets notify-trigger-match and recover carry into the tick, and enqueue-tick called
 * directly as the control plane would.
 */
const ref = (workflowId: string, runId: string) => post(`${CP}/execution-refs`, { workflowId, runId });
const workOf = (taken: unknown) => (taken as Extract<Taken, { kind: "wake" }>).work;

describe("notify-execution", () => {
  it("refuses a non-terminal status with 400, so the execution's real completion still wakes the workflow", async () => {
    await seedMonitor({ monitorId: "ne1" });
    expect((await ref("wf-ne1", "run-ne1")).status).toBe(201);
    const running = await post(`${CP}/notify-execution`, { runId: "run-ne1", status: "running" });
    expect(running.status).toBe(400);
    expect(running.type).toContain("application/problem+json");
    expect(running.json.errors?.[0]).toMatchObject({ path: "status" });
    expect(running.json.errors?.[0]?.message).toMatch(/not terminal/);
    for (const status of ["pending", "Queued", "in_progress"]) {
      expect((await post(`${CP}/notify-execution`, { runId: "run-ne1", status })).status, status).toBe(400);
    }
    await using wf = await introspectWorkflow(renv.TICK_WORKFLOW);
    const done = await post(`${CP}/notify-execution`, { runId: "run-ne1", status: "succeeded" });
    expect(done.status).toBe(202);
    expect(done.json).toMatchObject({
      enqueued: true,
      outcome: "accepted",
      wakeId: "execution_completed:runId:run-ne1",
    });
    const [instance] = await wf.get();
    expect(await instance?.waitForStepResult({ name: "tick-0-0" })).toMatchObject({ reason: "execution_completed" });
  });

  it("falls back to creating an instance when no session is waiting (create → tick)", async () => {
    await seedMonitor({ monitorId: "ne2" });
    await ref("wf-ne2", "run-ne2");
    await using wf = await introspectWorkflow(renv.TICK_WORKFLOW);
    const r = await post(`${CP}/notify-execution`, { runId: "run-ne2" });
    expect(r.status).toBe(202);
    expect(r.json).toMatchObject({
      enqueued: true,
      delivery: "created",
      portfolioId: "pf-ne2",
      instanceId: await instanceIdFor("wf-ne2", "execution_completed:runId:run-ne2"),
    });
    const [instance] = await wf.get();
    expect(await instance?.waitForStepResult({ name: "tick-0-0" })).toMatchObject({
      reason: "execution_completed",
      tickCount: 1,
    });
  });

  it("resolves the workflow by any of the four ids: executionRequestId and eventId as well", async () => {
    await seedMonitor({ monitorId: "ne4" });
    const ids = { operationId: "op-ne4", runId: "run-ne4", executionRequestId: "er-ne4", eventId: "ev-ne4" };
    expect((await post(`${CP}/execution-refs`, { workflowId: "wf-ne4", ...ids })).status).toBe(201);
    const byRequest = await post(`${CP}/notify-execution`, { executionRequestId: "er-ne4" });
    expect(byRequest.json).toMatchObject({ enqueued: true, outcome: "accepted", workflowId: "wf-ne4" });
    const byEvent = await post(`${CP}/notify-execution`, { eventId: "ev-ne4" });
    expect(byEvent.json).toMatchObject({ outcome: "duplicate", wakeId: byRequest.json.wakeId });
  });

  it("answers 409 when the body names another workflow than the ref's, and records nothing", async () => {
    await seedMonitor({ monitorId: "ne3" });
    await ref("wf-ne3", "run-ne3");
    const r = await post(`${CP}/notify-execution`, { runId: "run-ne3", workflowId: "wf-elsewhere" });
    expect(r.status).toBe(409);
    expect(r.type).toContain("application/problem+json");
    expect(r.json.detail).toMatch(/wf-ne3/);
    const row = await renv.DB.prepare("SELECT status FROM workflow_execution_refs WHERE ref_value = 'run-ne3'").first();
    expect(row).toEqual({ status: "pending" });
    // Naming the right workflow is fine.
    const ok = await post(`${CP}/notify-execution`, { runId: "run-ne3", workflowId: "wf-ne3" });
    expect(ok.json).toMatchObject({ enqueued: true, workflowId: "wf-ne3" });
  });
});

describe("trigger packets reach the tick", () => {
  it("notify-trigger-match's triggerEvent is the tick's", async () => {
    await seedMonitor({ monitorId: "tp1" });
    await using wf = await introspectWorkflow(renv.TICK_WORKFLOW);
    const r = await post(`${CP}/notify-trigger-match`, {
      workflowId: "wf-tp1",
      monitorId: "tp1",
      matchId: "tp1~1~E1",
      triggerEvent: pricePacket(42),
    });
    expect(r.status).toBe(202);
    const [instance] = await wf.get();
    const work = workOf(await instance?.waitForStepResult({ name: "take-0" }));
    expect(work).toMatchObject({ reason: "trigger_match", matchIds: ["tp1~1~E1"] });
    expect(work.triggerEvent).toMatchObject({ kind: "market_price", data: { price: 42 } });
  });

  it("recover's triggerEvent is the tick's (a matcher-driven wake replayed with its data)", async () => {
    await seedMonitor({ monitorId: "tp2" });
    await using wf = await introspectWorkflow(renv.TICK_WORKFLOW);
    const r = await post(`${CP}/recover`, { workflowId: "wf-tp2", requestId: "ops-tp2", triggerEvent: pricePacket(7) });
    expect(r.json).toMatchObject({ action: "started" });
    const [instance] = await wf.get();
    const work = workOf(await instance?.waitForStepResult({ name: "take-0" }));
    expect(work).toMatchObject({ reason: "recover", requestId: "recover:ops-tp2" });
    expect(work.triggerEvent).toMatchObject({ kind: "market_price", data: { price: 7 } });
  });
});

describe("notify-trigger-match and enqueue-tick", () => {
  it("notify-trigger-match answers 202 {enqueued:false} for a disabled monitor and starts nothing", async () => {
    await seedMonitor({ monitorId: "off1", enabled: false });
    await using wf = await introspectWorkflow(renv.TICK_WORKFLOW);
    const r = await post(`${CP}/notify-trigger-match`, {
      workflowId: "wf-off1",
      monitorId: "off1",
      matchId: "off1~1~E",
    });
    expect(r.status).toBe(202);
    expect(r.json).toEqual({ enqueued: false, reason: "monitor_disabled" });
    expect(await wf.get()).toHaveLength(0);
  });

  it("a match notified while the instance backs off (sleeping on time) is queued for it, not a second instance", async () => {
    await seedMonitor({ monitorId: "busy1" });
    await using wf = await introspectWorkflow(renv.TICK_WORKFLOW);
    await wf.modifyAll(async (m) => {
      await m.disableRetryDelays();
      await m.mockStepError({ name: "tick-0-0" }, new Error("tick facade down"));
    });
    const first = await post(`${CP}/notify-trigger-match`, {
      workflowId: "wf-busy1",
      monitorId: "busy1",
      matchId: "b~1~E1",
    });
    await eventually(
      () => portfolioSessions("pf-busy1"),
      (s) => s[0]?.phase === "sleeping",
    );
    const second = await post(`${CP}/notify-trigger-match`, {
      workflowId: "wf-busy1",
      monitorId: "busy1",
      matchId: "b~1~E2",
    });
    expect(second.status).toBe(202);
    expect(second.json).toMatchObject({ enqueued: true, outcome: "accepted", delivery: "queued" });
    expect(second.json.instanceId).toBe(first.json.instanceId);
    expect((await portfolioSessions("pf-busy1"))[0]).toMatchObject({ phase: "sleeping", pendingWakeUps: 2 });
    expect(await wf.get()).toHaveLength(1);
  });

  it("enqueue-tick creates the session's instance from the idempotency key, and a repeat is a duplicate", async () => {
    await seedMonitor({ monitorId: "et1" });
    await using wf = await introspectWorkflow(renv.TICK_WORKFLOW);
    const body = { workflowId: "wf-et1", reason: "manual", idempotencyKey: "k-1" };
    const first = await post("/api/workflow-monitors/enqueue-tick", body);
    expect(first.status).toBe(202);
    expect(first.json).toMatchObject({
      enqueued: true,
      outcome: "accepted",
      delivery: "created",
      wakeId: "manual:k-1",
      instanceId: await instanceIdFor("wf-et1", "manual:k-1"),
    });
    const again = await post("/api/workflow-monitors/enqueue-tick", body);
    expect(again.json).toMatchObject({ outcome: "duplicate", instanceId: first.json.instanceId });
    const [instance] = await wf.get();
    expect(await instance?.waitForStepResult({ name: "tick-0-0" })).toMatchObject({ reason: "manual", tickCount: 1 });
    expect(await wf.get()).toHaveLength(1);
    expect((await stateOf("et1"))?.tick_count).toBe(1);
  });

  it("enqueue-tick takes the Idempotency-Key header as its key: a retried call wakes once", async () => {
    await seedMonitor({ monitorId: "et4" });
    const body = { workflowId: "wf-et4", reason: "manual" };
    const headers = { ...ADMIN, "idempotency-key": "retry-me" };
    const first = await post("/api/workflow-monitors/enqueue-tick", body, headers);
    expect(first.status).toBe(202);
    expect(first.json).toMatchObject({ outcome: "accepted", wakeId: "manual:retry-me" });
    const again = await post("/api/workflow-monitors/enqueue-tick", body, headers);
    expect(again.json).toMatchObject({ outcome: "duplicate", wakeId: "manual:retry-me" });
    // The body's field wins over the header; an over-long header is a 400 naming it.
    const field = await post("/api/workflow-monitors/enqueue-tick", { ...body, idempotencyKey: "k-4" }, headers);
    expect(field.json).toMatchObject({ wakeId: "manual:k-4" });
    const long = await post("/api/workflow-monitors/enqueue-tick", body, {
      ...ADMIN,
      "idempotency-key": "x".repeat(401),
    });
    expect(long.status).toBe(400);
    expect(long.json.errors?.[0]).toMatchObject({ path: "header.idempotency-key" });
  });

  it("enqueue-tick answers 404 naming the monitor when monitorId is not one of the workflow's", async () => {
    await seedMonitor({ monitorId: "et2" });
    await seedMonitor({ monitorId: "et3" });
    const r = await post("/api/workflow-monitors/enqueue-tick", {
      workflowId: "wf-et2",
      monitorId: "et3",
      reason: "manual",
    });
    expect(r.status).toBe(404);
    expect(r.json.detail).toMatch(/et3/);
  });
});
