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

  it("a PortfolioAgent answers one session per workflowId: the newer of one it owns and a copy it holds", async () => {
    // An agent that owned a session under the earlier owner rule (its linked portfolio) may also
    // receive copies of the session now owned by `~<workflowId>`.
    const legacy = portfolioAgent(renv, "pf-mo-legacy");
    const owned = (await legacy.offer({ ...meta, portfolioId: "pf-mo-legacy" }, wake(100), "inst-old")).mirror;
    const { mirror: fresh } = await portfolioAgent(renv, "~wf-mo").offer(meta, wake(101), "inst-mo");
    if (!owned || !fresh) throw new Error("a mirror per decision");
    const newer = { ...fresh, updatedAt: owned.updatedAt + 1 };
    await legacy.mirror(newer);
    expect(await legacy.sessions()).toEqual([newer]);
    await legacy.mirror({ ...fresh, updatedAt: owned.updatedAt - 1 });
    expect(await legacy.sessions()).toEqual([newer]);
    // Its own session moves on (a later decision): now that is the newer one.
    const { mirror: later } = await legacy.offer({ ...meta, portfolioId: "pf-mo-legacy" }, wake(102), "inst-old");
    expect(await legacy.sessions()).toEqual([later]);
  });
});
