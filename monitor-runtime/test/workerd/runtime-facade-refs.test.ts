import { afterEach, describe, expect, it, vi } from "vitest";
import { runTick } from "../../src/runtime/tick/run-tick";
import { CP, post, renv, seedMonitor, stateOf } from "./runtime-helpers";

/**
 * Seed 000's event-driven loop through the external facade: a tick forwarded to
 * `WorkflowsFacade.tickMonitor` returns the executions it started; the runtime records their
 * canonical refs, so the engine's later notify-execution (by any one id) resolves the owning
 * workflow. The facade is outside the fabric, so its HTTP answer is stubbed; D1 is real.
 */
afterEach(() => {
  vi.restoreAllMocks();
});

describe("execution refs returned by a facade tick", () => {
  it("are recorded with the linked portfolio, make the session wait on execution_completed, and resolve notify-execution", async () => {
    await seedMonitor({ monitorId: "fr1", linkedPortfolioIds: ["pf-fr1"] });
    const bodies: unknown[] = [];
    vi.spyOn(globalThis, "fetch").mockImplementation(async (_url, init) => {
      bodies.push(JSON.parse(String(init?.body)));
      return Response.json({ nextDueAt: null, executionRefs: [{ operationId: "op-fr1", runId: "run-fr1" }] });
    });
    const env = { ...renv, TICK_FACADE_URL: "https://facade.test/tick", TICK_FACADE_TOKEN: "facade-token" };
    const tick = await runTick(env, { requestId: "fr1-r1", workerId: "cf-1", workflowId: "wf-fr1", reason: "due" });
    expect(bodies[0]).toMatchObject({ requestId: "fr1-r1", workerId: "cf-1", userId: "u-1", portfolioId: "pf-fr1" });
    expect(tick).toMatchObject({
      executor: "facade",
      tickCount: 1,
      waitFor: "execution_completed",
      executionRefs: [{ operationId: "op-fr1", runId: "run-fr1", portfolioId: "pf-fr1" }],
    });
    expect(await stateOf("fr1")).toMatchObject({ tick_count: 1, last_tick_reason: "due" });
    vi.restoreAllMocks();

    const done = await post(`${CP}/notify-execution`, { runId: "run-fr1", status: "succeeded" });
    expect(done.status).toBe(202);
    expect(done.json).toMatchObject({
      enqueued: true,
      workflowId: "wf-fr1",
      portfolioId: "pf-fr1",
      wakeId: "execution_completed:operationId:op-fr1",
    });
    const { results } = await renv.DB.prepare(
      "SELECT ref_kind, status FROM workflow_execution_refs WHERE workflow_id = 'wf-fr1' ORDER BY ref_kind",
    ).all();
    expect(results).toEqual([
      { ref_kind: "operationId", status: "succeeded" },
      { ref_kind: "runId", status: "succeeded" },
    ]);
  });
});
