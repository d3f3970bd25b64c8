import { describe, expect, it } from "vitest";
import { portfolioAgent } from "../../src/runtime/delivery/agents";
import { successorIdOf } from "../../src/runtime/ids";
import type { SessionMeta } from "../../src/runtime/session/session-store";
import type { Wake } from "../../src/runtime/session/wake";
import { SessionSteps } from "../../src/runtime/workflow/session-steps";
import { renv } from "./runtime-helpers";

// The workflow's "handoff" step (steps.end(true)) runs at least once: Workflows retries a step
// whose call to the agent committed but whose answer never came back (the UserAgent mirror after it
// failed, the isolate was evicted). The workflow starts the successor only when that step answers
// "handoff"; a retry that answered anything else would leave the session owned by a successor that
// nobody creates, with its wake-ups queued until some later wake-up for the workflow re-drives it.
const meta: SessionMeta = { workflowId: "wf-ho", monitorId: "ho", userId: "u-ho", portfolioId: null };
const params = { ...meta, home: "~wf-ho" };
const wake = (matchId: string): Wake => ({
  wakeId: `trigger_match:${matchId}`,
  reason: "trigger_match",
  receivedAt: 1,
  monitorId: "ho",
  matchId,
});

describe("the handoff step, retried", () => {
  it("answers handoff to the same successor again, so the retried step still starts it", async () => {
    const agent = portfolioAgent(renv, params.home);
    const steps = new SessionSteps(renv, params, "inst-ho");
    await agent.offerAll(meta, [wake("a")], "inst-ho");
    // The instance is mid-loop (it took "a") when its budget runs out; "b" is queued meanwhile.
    expect(await steps.take("trigger_matched", 60_000)).toMatchObject({ kind: "wake" });
    await agent.offerAll(meta, [wake("b")], "inst-other");

    const successor = await successorIdOf(meta.workflowId, "inst-ho");
    const first = await steps.end(true);
    const retried = await steps.end(true);
    expect(first).toEqual({ kind: "handoff", instanceId: successor });
    expect(retried).toEqual({ kind: "handoff", instanceId: successor });
    const { active, queued } = await agent.session(meta.workflowId);
    expect(active).toMatchObject({ instanceId: successor, phase: "starting" });
    expect(queued).toBe(2);
  });
});
