import { describe, expect, it } from "vitest";
import { FabricClient } from "../../src/client";
import { FabricError } from "../../src/errors";
import { price } from "../../src/predicate";
import { fakeFetch, problem } from "./fake-fetch";

/** The admin resources against a scripted fetch: typed errors, paging iterators, rebuild polling. */
function client(fetch: ReturnType<typeof fakeFetch>["fetch"]) {
  return new FabricClient({
    baseUrl: "http://fabric.test",
    token: "a-token",
    fetch,
    sleep: async () => {},
    random: () => 0,
  });
}

const collect = async <T>(it: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
};

describe("FabricError", () => {
  it("maps a problem+json answer, errors[] and extras included", async () => {
    const f = fakeFetch(() =>
      problem(400, {
        title: "Invalid request",
        code: "validation",
        errors: [{ path: "predicate.field", message: "did you mean price?" }],
        reason: "extra",
      }),
    );
    const err = await client(f.fetch)
      .monitors.put("m", { workflowId: "w", ownerUserId: "u", predicate: price("X").gt(1) })
      .catch((e) => e);
    expect(err).toBeInstanceOf(FabricError);
    expect(err).toMatchObject({
      status: 400,
      title: "Invalid request",
      detail: "D",
      code: "validation",
      errors: [{ path: "predicate.field", message: "did you mean price?" }],
    });
    expect(err.problem.reason).toBe("extra");
    expect(err.message).toContain("Invalid request");
  });

  it("maps a non-problem error answer too, never a bare string", async () => {
    const f = fakeFetch(() => new Response("upstream exploded", { status: 502, statusText: "Bad Gateway" }));
    const err = await client(f.fetch)
      .monitors.get("m")
      .catch((e) => e);
    expect(err).toMatchObject({ status: 502, title: "Bad Gateway", detail: "upstream exploded", code: "http" });
  });

  it("a 404 is not retried; a 412 on a conditional put carries its status", async () => {
    const f = fakeFetch((req) => (req.method === "GET" ? problem(404) : problem(412)));
    const fabric = client(f.fetch);
    await expect(fabric.monitors.get("m")).rejects.toMatchObject({ status: 404 });
    const put = fabric.monitors.put(
      "m",
      { workflowId: "w", ownerUserId: "u", predicate: price("X").gt(1) },
      { expectedVersion: 2 },
    );
    await expect(put).rejects.toMatchObject({ status: 412 });
    expect(f.calls.length).toBe(2);
    expect(JSON.parse(f.calls[1]?.body ?? "").expectedVersion).toBe(2);
  });

  it("put answers created for a 201 and sends the builder's JSON", async () => {
    const f = fakeFetch(() => Response.json({ monitorId: "m", version: 1 }, { status: 201 }));
    const out = await client(f.fetch).monitors.put("m", {
      workflowId: "w",
      ownerUserId: "u",
      predicate: price("BTC-USD").crossesAbove(100_000),
    });
    expect(out).toEqual({ monitorId: "m", version: 1, created: true });
    expect(JSON.parse(f.calls[0]?.body ?? "").predicate).toEqual({
      stream: { kind: "market_price", subject: { symbol: "BTC-USD" } },
      field: "price",
      op: "crosses_above",
      value: 100000,
    });
    expect(f.calls[0]?.headers.authorization).toBe("Bearer a-token");
  });

  it("delete resolves on a 204", async () => {
    const f = fakeFetch(() => new Response(null, { status: 204 }));
    await expect(client(f.fetch).monitors.delete("m/1")).resolves.toBeUndefined();
    expect(f.calls[0]).toMatchObject({ method: "DELETE", url: "http://fabric.test/v1/monitors/m%2F1" });
  });

  it("delete with expectedVersion asks for a conditional removal", async () => {
    const f = fakeFetch(() => new Response(null, { status: 204 }));
    await client(f.fetch).monitors.delete("m1", { expectedVersion: 3 });
    expect(f.calls[0]).toMatchObject({ method: "DELETE", url: "http://fabric.test/v1/monitors/m1?expectedVersion=3" });
  });
});

describe("paging iterators", () => {
  it("monitors.list follows nextCursor with the filters on every page", async () => {
    const pages: Record<string, unknown> = {
      "": { monitors: [{ monitorId: "a" }, { monitorId: "b" }], nextCursor: "b" },
      b: { monitors: [{ monitorId: "c" }], nextCursor: "c" },
      c: { monitors: [], nextCursor: null },
    };
    const f = fakeFetch((req) => Response.json(pages[new URL(req.url).searchParams.get("cursor") ?? ""]));
    const ids = (await collect(client(f.fetch).monitors.list({ ownerUserId: "u_1", pageSize: 2 }))).map(
      (m) => m.monitorId,
    );
    expect(ids).toEqual(["a", "b", "c"]);
    for (const c of f.calls) {
      expect(new URL(c.url).searchParams.get("ownerUserId")).toBe("u_1");
      expect(new URL(c.url).searchParams.get("limit")).toBe("2");
    }
  });

  it("matches pages by after = the last matchId until a short page", async () => {
    const all = Array.from({ length: 5 }, (_, i) => ({ matchId: `m${i}` }));
    const f = fakeFetch((req) => {
      const q = new URL(req.url).searchParams;
      const start = q.get("after") ? Number(q.get("after")?.slice(1)) + 1 : 0;
      return Response.json({ matches: all.slice(start, start + Number(q.get("limit"))) });
    });
    const got = await collect(client(f.fetch).matches("mon", { pageSize: 2 }));
    expect(got.map((m) => m.matchId)).toEqual(["m0", "m1", "m2", "m3", "m4"]);
    expect(f.calls.map((c) => new URL(c.url).searchParams.get("after"))).toEqual([null, "m1", "m3"]);
  });

  it("fetches a page only when the caller gets there", async () => {
    const f = fakeFetch(() => Response.json({ matches: [{ matchId: "x" }, { matchId: "y" }] }));
    for await (const m of client(f.fetch).matches("mon", { pageSize: 2 })) {
      expect(m.matchId).toBe("x");
      break;
    }
    expect(f.calls.length).toBe(1);
  });

  it("streams.facts sends the subject and the time range, follows nextCursor", async () => {
    const f = fakeFetch((req) =>
      Response.json(
        new URL(req.url).searchParams.get("cursor")
          ? { streamKey: "k", facts: [{ eventId: "2" }], nextCursor: null }
          : { streamKey: "k", facts: [{ eventId: "1" }], nextCursor: "1.x" },
      ),
    );
    const got = await collect(
      client(f.fetch).streams.facts("market_price", { symbol: "BTC-USD" }, { from: "2026-11-22T00:00:00Z", to: 5 }),
    );
    expect(got.map((x) => x.eventId)).toEqual(["1", "2"]);
    const q = new URL(f.calls[0]?.url ?? "").searchParams;
    expect([q.get("symbol"), q.get("from"), q.get("to")]).toEqual(["BTC-USD", "2026-11-22T00:00:00Z", "5"]);
    expect(new URL(f.calls[0]?.url ?? "").pathname).toBe("/v1/streams/market_price/facts");
  });
});

describe("operations", () => {
  it("rebuild polls until complete, reporting every status", async () => {
    let polls = 0;
    const f = fakeFetch((req) => {
      if (req.method === "POST") return Response.json({ rebuildId: "r1" }, { status: 202 });
      polls++;
      return Response.json({
        rebuildId: "r1",
        status: polls < 3 ? "running" : "complete",
        eventsApplied: polls * 10,
        startedAt: 1,
      });
    });
    const seen: number[] = [];
    const out = await client(f.fetch).rebuild({ onProgress: (s) => seen.push(s.eventsApplied) });
    expect(out.status).toBe("complete");
    expect(seen).toEqual([10, 20, 30]);
    expect(new URL(f.calls[1]?.url ?? "").pathname).toBe("/v1/admin/projections/rebuild/r1");
  });

  it("a failed rebuild is a FabricError with the reason", async () => {
    const f = fakeFetch((req) =>
      req.method === "POST"
        ? Response.json({ rebuildId: "r1" }, { status: 202 })
        : Response.json({ rebuildId: "r1", status: "failed", eventsApplied: 0, startedAt: 1, error: "boom" }),
    );
    await expect(client(f.fetch).rebuild()).rejects.toMatchObject({ title: "Rebuild failed" });
  });

  it("dead letters list and replay, stats", async () => {
    const f = fakeFetch((req) => {
      const path = new URL(req.url).pathname;
      if (path.endsWith("/replay")) return Response.json({ replayed: "d1", replayCount: 1 });
      if (path === "/v1/admin/stats") return Response.json({ facts: 3 });
      return Response.json({ deadLetters: [{ id: "d1" }], nextCursor: null });
    });
    const fabric = client(f.fetch);
    expect(await fabric.deadLetters.page("events")).toEqual({ deadLetters: [{ id: "d1" }], nextCursor: null });
    expect(await fabric.deadLetters.replay("events", "d1")).toEqual({ replayed: "d1", replayCount: 1 });
    expect(await fabric.stats()).toEqual({ facts: 3 });
    expect(f.calls.map((c) => `${c.method} ${new URL(c.url).pathname}`)).toEqual([
      "GET /v1/admin/dead-letters/events",
      "POST /v1/admin/dead-letters/events/d1/replay",
      "GET /v1/admin/stats",
    ]);
  });
});
