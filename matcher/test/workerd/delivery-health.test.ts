import { createExecutionContext, runDurableObjectAlarm, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import worker from "../../src/index";
import { clearNotify, crossingMonitor, menv, priceFacts, setNotifyStatus, shardFor } from "./helpers";

type Note = { shard: number; matchId: string; status: number; reason: string; at: number; hint: string };
type Stats = {
  totals: Record<string, number | null>;
  delivery: {
    delivered: number;
    refused: number;
    failedAttempts: number;
    lastFailure: Note | null;
    lastRefusal: Note | null;
    lastDeliveredAt: number | null;
  };
};

async function stats(): Promise<Stats> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request("http://matcher/v1/admin/stats", { headers: { authorization: "Bearer dev-admin-token" } }),
    menv,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  expect(res.status).toBe(200);
  return (await res.json()) as Stats;
}

/** Runs the shard's delivery (its alarm) until `done` holds, waiting out the retry backoff between rounds. */
async function drainUntil(shard: ReturnType<typeof shardFor>, done: (s: Stats) => boolean): Promise<Stats> {
  for (let i = 0; i < 60; i++) {
    await runDurableObjectAlarm(shard);
    const s = await stats();
    if (done(s)) return s;
    await new Promise((r) => setTimeout(r, 100));
  }
  return stats();
}

describe("GET /v1/admin/stats says why matches are not delivered", () => {
  afterEach(clearNotify);

  it("reports a refused token as the last failure, with its status, reason and what to do; the match waits and is delivered once fixed", async () => {
    await setNotifyStatus(401);
    const shard = shardFor("TOK");
    await shard.upsertMonitor(crossingMonitor("tok-1", "TOK", 100));
    const facts = priceFacts("TOK", [90, 110]);
    await shard.applyFacts(facts);
    const matchId = `tok-1~1~${facts[1]?.eventId}`;
    const failing = await drainUntil(shard, (s) => s.delivery.lastFailure?.matchId === matchId);
    expect(failing.delivery.lastFailure).toMatchObject({ matchId, status: 401 });
    expect(failing.delivery.lastFailure?.hint).toContain("ADMIN_AUTH_SECRET_TOKEN");
    expect(failing.delivery.failedAttempts).toBeGreaterThanOrEqual(1);
    expect(failing.totals.notifyFailures).toBe(failing.delivery.failedAttempts);
    expect(failing.totals.outboxBacklog).toBeGreaterThanOrEqual(1);
    expect(failing.delivery.delivered).toBe(0);
    expect(failing.delivery.lastDeliveredAt).toBeNull();

    await setNotifyStatus(202);
    const fixed = await drainUntil(shard, (s) => s.totals.outboxBacklog === 0);
    expect(fixed.totals.outboxBacklog).toBe(0);
    expect(fixed.delivery.delivered).toBe(1);
    expect(fixed.totals.matchesDelivered).toBe(1);
    // The failure stays the newest failure; the delivery after it says its cause may be fixed.
    expect(fixed.delivery.lastFailure?.matchId).toBe(matchId);
    expect(fixed.delivery.lastDeliveredAt).toBeGreaterThan(fixed.delivery.lastFailure?.at ?? Number.POSITIVE_INFINITY);
  });

  it("counts a match notify-trigger-match refuses (404) as refused and dropped, and names it as the last refusal", async () => {
    await setNotifyStatus(404);
    const shard = shardFor("GONE");
    await shard.upsertMonitor(crossingMonitor("gone-1", "GONE", 100));
    const facts = priceFacts("GONE", [90, 110]);
    await shard.applyFacts(facts);
    const matchId = `gone-1~1~${facts[1]?.eventId}`;
    const s = await drainUntil(shard, (x) => x.delivery.lastRefusal?.matchId === matchId);
    expect(s.delivery.lastRefusal).toMatchObject({ matchId, status: 404 });
    expect(s.delivery.lastRefusal?.hint).toContain("gone");
    expect(s.delivery.refused).toBe(1);
    expect(s.totals.matchesRefused).toBe(1);
    // Refused is final: nothing of it waits in the outbox.
    expect(s.totals.outboxBacklog).toBe(0);
  });
});
