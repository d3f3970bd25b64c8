import { createScheduledController, introspectWorkflow, introspectWorkflowInstance } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { scanRequestId } from "../../src/runtime/delivery/due-scan";
import { instanceIdFor } from "../../src/runtime/ids";
import { eventually, renv, seedMonitor, stateOf } from "./runtime-helpers";

async function scan(scheduledTime: number) {
  await worker.scheduled(createScheduledController({ scheduledTime, cron: "* * * * *" }), renv);
}

describe("cron due scan", () => {
  it("run twice in a row, it starts one instance per due monitor, and each ticks once with reason due", async () => {
    const due = ["d1", "d2", "d3"];
    for (const m of due) await seedMonitor({ monitorId: m, checkIntervalMs: 60_000 });
    await seedMonitor({ monitorId: "d-event-only" });
    await seedMonitor({ monitorId: "d-disabled", checkIntervalMs: 60_000, enabled: false });
    await using wf = await introspectWorkflow(renv.TICK_WORKFLOW);
    const t = Date.now();
    await Promise.all([scan(t), scan(t)]);
    await scan(t);

    expect(await wf.get()).toHaveLength(3);
    for (const m of due) {
      const id = await instanceIdFor(`wf-${m}`, `due:${scanRequestId(t)}`);
      await using instance = await introspectWorkflowInstance(renv.TICK_WORKFLOW, id);
      expect(await instance.waitForStepResult({ name: "tick-0-0" })).toMatchObject({ reason: "due", monitorId: m });
    }
    for (const m of due) {
      const s = await eventually(
        () => stateOf(m),
        (v) => v?.tick_count === 1,
      );
      expect(s).toMatchObject({ tick_count: 1, last_tick_reason: "due" });
      expect(s?.next_due_at).toBe((s?.last_tick_at ?? 0) + 60_000);
    }
    // The next minute's scan finds nothing due yet: still one instance each.
    await scan(t + 60_000);
    expect(await wf.get()).toHaveLength(3);
    expect((await stateOf("d-event-only"))?.tick_count ?? 0).toBe(0);
  });
});
