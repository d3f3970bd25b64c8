import { describe, expect, it } from "vitest";
import { call, eventually, fabric, priceMonitorInput, prices } from "./helpers";

const CP = "/v1/admin/control-plane/workflow-monitors";
type State = { tickCount: number; lastTickReason: string | null };
const stateOf = async (id: string): Promise<State> => (await fabric.monitors.get(id)).state;

describe("matches and completions wake the monitor's workflow", () => {
  it("a match pushed as facts shows up as a tick with reason trigger_match, and a notified execution ref as execution_completed", async () => {
    const monitor = priceMonitorInput("WAKE", "crosses_above", 100);
    expect((await fabric.monitors.put("wake-1", monitor)).created).toBe(true);
    expect(await fabric.facts.push(prices("WAKE", [90, 110]))).toMatchObject({ accepted: 2 });

    const afterMatch = await eventually(
      () => stateOf("wake-1"),
      (s) => (s?.tickCount ?? 0) >= 1,
      20_000,
    );
    expect(afterMatch).toMatchObject({ tickCount: 1, lastTickReason: "trigger_match" });

    const ref = await call("POST", `${CP}/execution-refs`, {
      workflowId: monitor.workflowId,
      operationId: "op-wake-1",
    });
    expect(ref.status).toBe(201);
    const notified = await call("POST", `${CP}/notify-execution`, { operationId: "op-wake-1", status: "completed" });
    expect(notified.status).toBe(202);
    expect(notified.json.enqueued).toBe(true);
    const afterCompletion = await eventually(
      () => stateOf("wake-1"),
      (s) => (s?.tickCount ?? 0) >= 2,
      20_000,
    );
    expect(afterCompletion).toMatchObject({ tickCount: 2, lastTickReason: "execution_completed" });

    // The same completion notified again wakes nothing twice.
    await call("POST", `${CP}/notify-execution`, { operationId: "op-wake-1", status: "completed" });
    await new Promise((r) => setTimeout(r, 1000));
    expect(await stateOf("wake-1")).toMatchObject({ tickCount: 2 });
  });

  it("answers 202 {enqueued:false} for an execution no ref names", async () => {
    const res = await call("POST", `${CP}/notify-execution`, { runId: "never-recorded" });
    expect(res.status).toBe(202);
    expect(res.json.enqueued).toBe(false);
  });
});
