import { describe, expect, inject, it } from "vitest";
import { AdminClient, FabricClient, FabricError, type Match, price } from "../../src/index";

/**
 * The client against the real local fabric (`npm run dev`, the "readme" project's shared one):
 * a monitor built with the builder, two facts that cross it pushed with `facts.push` (as the
 * signing producer, so the signature is checked for real), the match read back with the
 * `matches` iterator. Its own monitor id and symbol, so the README walkthrough's are untouched.
 */
const base = inject("devFabricBase");
const run = Date.now().toString(36);
const symbol = `CLIENT-${run}`.toUpperCase();
const monitorId = `client-it-${run}`;

const fabric = new FabricClient({
  baseUrl: base,
  token: "dev-admin-token",
  producerToken: "dev-signed-token",
  signingSecret: "dev-signing-secret",
});

async function firstMatch(id: string, timeoutMs: number): Promise<Match[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const got: Match[] = [];
    for await (const m of fabric.matches(id, { pageSize: 1 })) got.push(m);
    if (got.length > 0 || Date.now() > until) return got;
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe("client against the local fabric", () => {
  it("registers a built monitor, pushes a crossing, reads the match back", async () => {
    const put = await fabric.monitors.put(monitorId, {
      workflowId: `wf-${monitorId}`,
      ownerUserId: "u-client-it",
      predicate: price(symbol).crossesAbove(100_000).hysteresis(50),
      fire: { mode: "edge" },
    });
    expect(put).toEqual({ monitorId, version: 1, created: true });

    const facts = [
      {
        kind: "market_price" as const,
        subject: { symbol },
        observedAt: "2026-11-22T10:00:00Z",
        data: { price: 99_500 },
      },
      { kind: "market_price" as const, subject: { symbol }, observedAt: 1795341660000, data: { price: 101_234.5 } },
    ];
    const key = (f: (typeof facts)[number]) => `${symbol}:${f.observedAt}`;
    const pushed = await fabric.facts.push(facts, { dedupeKey: key });
    expect(pushed.accepted).toBe(2);
    expect(pushed.eventIds).toHaveLength(2);

    // A retry of the same push is answered, not thrown: duplicates with the same eventIds.
    const again = await fabric.facts.push(facts, { dedupeKey: key });
    expect(again).toEqual({ accepted: 0, duplicates: 2, eventIds: pushed.eventIds });
    // The same as msgpack: the framed, signed bytes are read by ingest as the same facts.
    const packed = await fabric.facts.push(facts, { dedupeKey: key, format: "msgpack" });
    expect(packed).toEqual({ accepted: 0, duplicates: 2, eventIds: pushed.eventIds });

    const matches = await firstMatch(monitorId, 20_000);
    expect(matches).toHaveLength(1);
    expect(matches[0]).toMatchObject({
      monitorId,
      monitorVersion: 1,
      eventId: pushed.eventIds[1],
      observedAt: 1795341660000,
      triggerEvent: { subject: { symbol }, data: { price: 101_234.5 } },
    });

    const mine: string[] = [];
    for await (const m of fabric.monitors.list({ ownerUserId: "u-client-it" })) mine.push(m.monitorId);
    expect(mine).toContain(monitorId);
  }, 60_000);

  it("admin.whoami names each token's scopes; a bad token is a 401 that onRefused hears", async () => {
    expect(await fabric.admin.whoami()).toEqual({ scopes: ["read", "write", "control-plane"] });
    const reader = new AdminClient({ baseUrl: base, token: "dev-read-token-local" });
    expect(await reader.admin.whoami()).toEqual({ scopes: ["read"] });
    const heard: number[] = [];
    const stranger = new AdminClient({ baseUrl: base, token: "not-a-token", onRefused: (e) => heard.push(e.status) });
    await expect(stranger.admin.whoami()).rejects.toMatchObject({ status: 401, code: "unauthorized" });
    expect(heard).toEqual([401]);
  });

  it("refuses client/README.md's Errors example (a band whose low end is above its high end), naming the path", async () => {
    const err = await fabric.monitors
      .put(`${monitorId}-readme-bad`, {
        workflowId: "wf",
        ownerUserId: "u",
        predicate: price("BTC-USD").between(200, 100),
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FabricError);
    expect((err as FabricError).errors).toEqual([{ path: "predicate.value", message: "lo must not exceed hi" }]);
  });

  it("answers a refused monitor with a FabricError carrying errors[]", async () => {
    const err = await fabric.monitors
      .put(`${monitorId}-bad`, {
        workflowId: "wf",
        ownerUserId: "u-client-it",
        // A hand-written predicate with a field market_price does not have.
        predicate: { stream: { kind: "market_price", subject: { symbol } }, field: "prise", op: "gt", value: 1 },
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FabricError);
    expect(err).toMatchObject({ status: 400, code: "validation" });
    expect((err as FabricError).errors.map((e) => e.path)).toContain("predicate.field");
  });
});
