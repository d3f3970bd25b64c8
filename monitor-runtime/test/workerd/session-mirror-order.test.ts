import { describe, expect, it } from "vitest";
import { portfolioAgent, userAgent } from "../../src/runtime/delivery/agents";
import type { SessionMeta } from "../../src/runtime/session/session-store";
import type { Wake } from "../../src/runtime/session/wake";
import { renv } from "./runtime-helpers";

// Every caller copies the mirror its agent call returned to the UserAgent after that call, so two
// callers' copies can arrive in either order; the UserAgent keeps the copy with the later
// updatedAt (>=, so a repeat of one copy is harmless). Decisions made within one millisecond (a
// Durable Object's clock moves only between I/O) must still get increasing updatedAt, or an older
// copy arriving last overwrites a newer one: the operator's view shows wake-ups that are gone, or
// misses queued ones.
const meta: SessionMeta = { workflowId: "wf-mo", monitorId: "mo", userId: "u-mo", portfolioId: null };
const wake = (n: number): Wake => ({
  wakeId: `trigger_match:mo-${n}`,
  reason: "trigger_match",
  receivedAt: n,
  monitorId: "mo",
  matchId: `mo-${n}`,
});

describe("session mirrors copied out of order", () => {
  it("the UserAgent keeps the newest decision's mirror whatever order the copies arrive in", async () => {
    const agent = portfolioAgent(renv, "~wf-mo");
    const n = 20;
    const answers = await Promise.all(Array.from({ length: n }, (_, i) => agent.offerAll(meta, [wake(i)], "inst-mo")));
    const mirrors = answers.map((a) => a.mirror).filter((m) => m !== null);
    // The agent decides one call at a time: the k-th decision leaves k wake-ups pending.
    mirrors.sort((a, b) => a.pendingWakeUps - b.pendingWakeUps);
    expect(mirrors.map((m) => m.pendingWakeUps)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    // Each pair of successive decisions, their copies arriving newest first (one UserAgent per pair).
    for (let i = 1; i < n; i++) {
      const [older, newer] = [mirrors[i - 1], mirrors[i]];
      if (!older || !newer) throw new Error("a mirror per decision");
      const user = userAgent(renv, `u-mo-${i}`);
      await user.mirror(newer);
      await user.mirror(older);
      const [shown] = await user.sessions();
      expect(shown?.pendingWakeUps, `copies of decisions ${i + 1} then ${i}`).toBe(i + 1);
    }
  });
});
