import { introspectWorkflow } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { instanceIdFor } from "../../src/runtime/ids";
import type { TickResult } from "../../src/runtime/tick/tick-types";
import { CP, eventually, portfolioSessions, post, renv, seedMonitor, stateOf, userSessions } from "./runtime-helpers";

// A session is owned by PortfolioAgent("~<workflowId>") whatever its monitors link to. Were it
// owned by the notified monitor's linkedPortfolioIds[0] (read at each wake-up), a monitor_updated
// that changes the link would move the duplicate filter (a redelivered match ticks again), and two
// monitors of one workflow linked to different portfolios would run two sessions of that workflow.
const match = (monitorId: string, workflowId: string, matchId: string) =>
  post(`${CP}/notify-trigger-match`, { workflowId, monitorId, matchId });
const settle = () => new Promise((r) => setTimeout(r, 300));

describe("a session's owner never changes for a workflowId", () => {
  it("after a monitor_updated that changes the linked portfolio, the same session takes the new version's matches once, and the new portfolio shows it", async () => {
    await seedMonitor({ monitorId: "hm", workflowId: "wf-hm", ownerUserId: "u-hm", linkedPortfolioIds: ["pf-a"] });
    await using wf = await introspectWorkflow(renv.TICK_WORKFLOW);
    const first = await match("hm", "wf-hm", "hm~1~E1");
    expect(first.json).toMatchObject({ outcome: "accepted", delivery: "created", portfolioId: "pf-a" });
    const [instance] = await wf.get();
    expect(await instance?.waitForStepResult({ name: "tick-0-0" })).toMatchObject({ tickCount: 1 });
    await eventually(
      () => portfolioSessions("pf-a"),
      (s) => s[0]?.phase === "waiting",
    );

    await seedMonitor({ monitorId: "hm", workflowId: "wf-hm", ownerUserId: "u-hm", linkedPortfolioIds: ["pf-b"] }, 2);
    // The old version's match, redelivered, is superseded (DESIGN §3): it reaches no session.
    expect((await match("hm", "wf-hm", "hm~1~E1")).json).toEqual({ enqueued: false, reason: "monitor_superseded" });
    // The new version's match rings the same instance of the same session, now linked to pf-b; its
    // redelivery is a duplicate there.
    const next = await match("hm", "wf-hm", "hm~2~E2");
    expect(next.json).toMatchObject({ outcome: "accepted", portfolioId: "pf-b", instanceId: first.json.instanceId });
    expect((await match("hm", "wf-hm", "hm~2~E2")).json).toMatchObject({ outcome: "duplicate" });
    await eventually(
      () => stateOf("hm"),
      (st) => st?.tick_count === 2,
    );
    await settle();
    expect((await stateOf("hm"))?.tick_count).toBe(2);
    expect(await wf.get()).toHaveLength(1);

    // The mirror now goes to pf-b as well.
    const [atB] = await eventually(
      () => portfolioSessions("pf-b"),
      (s) => s[0]?.lastTick?.tickCount === 2 && s[0].phase === "waiting",
    );
    expect(atB).toMatchObject({ workflowId: "wf-hm", portfolioId: "pf-b" });
    const [owned] = await portfolioSessions("~wf-hm");
    expect(owned).toEqual(atB);
    expect(await userSessions("u-hm")).toEqual([atB]);
  });

  it("two monitors of one workflow linked to different portfolios share one session and one instance", async () => {
    await seedMonitor({ monitorId: "tw1", workflowId: "wf-two", ownerUserId: "u-tw", linkedPortfolioIds: ["pf-t1"] });
    await seedMonitor({ monitorId: "tw2", workflowId: "wf-two", ownerUserId: "u-tw", linkedPortfolioIds: ["pf-t2"] });
    await using wf = await introspectWorkflow(renv.TICK_WORKFLOW);
    const id = await instanceIdFor("wf-two", "trigger_match:tw1~1~E1");
    const a = await match("tw1", "wf-two", "tw1~1~E1");
    expect(a.json).toMatchObject({ outcome: "accepted", instanceId: id, portfolioId: "pf-t1" });
    const [instance] = await wf.get();
    await instance?.waitForStepResult({ name: "tick-0-0" });
    const b = await match("tw2", "wf-two", "tw2~1~E1");
    expect(b.json).toMatchObject({ outcome: "accepted", instanceId: id, portfolioId: "pf-t2" });
    // The second match rings the one instance: its next tick carries it, no second instance starts.
    const second = (await instance?.waitForStepResult({ name: "tick-2-0" })) as TickResult;
    expect(second).toMatchObject({ reason: "trigger_match", tickCount: 2 });
    await settle();
    expect(await wf.get()).toHaveLength(1);

    // One owner; each linked portfolio got the copies sent while its monitor was the one offered.
    const [owned] = await eventually(
      () => portfolioSessions("~wf-two"),
      (s) => s[0]?.phase === "waiting" && s[0]?.lastTick?.tickCount === 2,
    );
    expect(owned).toMatchObject({ activeInstanceId: id, monitorId: "tw2", portfolioId: "pf-t2", pendingWakeUps: 0 });
    expect(await portfolioSessions("pf-t2")).toEqual([owned]);
    expect(await portfolioSessions("pf-t1")).toMatchObject([{ workflowId: "wf-two", activeInstanceId: id }]);
  });
});
