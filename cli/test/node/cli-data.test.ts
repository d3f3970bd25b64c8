import { describe, expect, it } from "vitest";
import { cli, match, problem } from "./harness";

describe("reads", () => {
  it("matches --limit stops after that many, paging with after", async () => {
    const r = await cli(["matches", "m1", "--limit", "3", "--json"], (req) => {
      const q = new URL(req.url).searchParams;
      const after = q.get("after");
      const start = after ? Number(after.slice(3)) + 1 : 0;
      return Response.json({ matches: Array.from({ length: Number(q.get("limit")) }, (_, i) => match(start + i)) });
    });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).map((m: { matchId: string }) => m.matchId)).toEqual(["mt-0", "mt-1", "mt-2"]);
  });

  it("matches says on stderr when the default 100 cut the list, and how to read on; --json keeps stdout the matches", async () => {
    // 150 matches stored: each page answers what `limit` asks from after `after`.
    const stored = (req: { url: string }) => {
      const q = new URL(req.url).searchParams;
      const after = q.get("after");
      const start = after ? Number(after.slice(3)) + 1 : 0;
      const n = Math.max(0, Math.min(Number(q.get("limit")), 150 - start));
      return Response.json({ matches: Array.from({ length: n }, (_, i) => match(start + i)) });
    };
    const r = await cli(["matches", "m1", "--json"], stored);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toHaveLength(100);
    expect(r.err).toBe("first 100 matches shown; more: raise --limit or pass --after mt-99\n");
    // One request: the page holds one match past the limit, which is how the cut is known.
    expect(r.calls).toHaveLength(1);
    const human = await cli(["matches", "m1", "--limit", "149"], stored);
    expect(human.out).toContain("mt-148");
    expect(human.err).toContain("pass --after mt-148");
    const all = await cli(["matches", "m1", "--limit", "150"], stored);
    expect(all).toMatchObject({ code: 0, err: "" });
  });

  it("streams facts says on stderr when the limit cut the list, with the --from of the first fact not shown", async () => {
    const fact = (i: number) => ({
      eventId: `e${i}`,
      streamKey: "market_price:BTC-USD",
      observedAt: 1795341660000 + i,
    });
    const stored = (count: number) => (req: { url: string }) => {
      const limit = Number(new URL(req.url).searchParams.get("limit"));
      return Response.json({
        facts: Array.from({ length: Math.min(limit, count) }, (_, i) => fact(i)),
        nextCursor: null,
      });
    };
    const r = await cli(["streams", "facts", "market_price", "--symbol", "BTC-USD", "--json"], stored(101));
    expect(JSON.parse(r.out)).toHaveLength(100);
    expect(r.err).toBe("first 100 facts shown; more: raise --limit or pass --from 2026-11-22T10:01:00.100Z\n");
    const human = await cli(["streams", "facts", "market_price", "--symbol", "BTC-USD", "--limit", "2"], stored(5));
    expect(human.out).toContain("e1");
    expect(human.out).not.toContain("e2");
    expect(human.err).toContain("--from 2026-11-22T10:01:00.002Z");
    const whole = await cli(["streams", "facts", "market_price", "--symbol", "BTC-USD"], stored(100));
    expect(whole.err).toBe("");
  });

  it("backtest sends --from/--to and prints a table", async () => {
    const r = await cli(["backtest", "m1", "--from", "2026-11-01T00:00:00Z", "--to", "1795341660000"], () =>
      Response.json({ matches: [match(1)] }),
    );
    expect(JSON.parse(r.calls[0]?.body ?? "")).toEqual({ from: "2026-11-01T00:00:00Z", to: 1795341660000 });
    expect(r.out).toContain("2026-11-22T");
    expect(r.out).toContain("mt-1");
  });

  it("streams facts takes the subject from --symbol/--subject", async () => {
    const r = await cli(["streams", "facts", "market_price", "--symbol", "BTC-USD", "--json"], () =>
      Response.json({ facts: [{ eventId: "e1" }], nextCursor: null }),
    );
    expect(JSON.parse(r.out)).toEqual([{ eventId: "e1" }]);
    const url = new URL(r.calls[0]?.url ?? "");
    expect(url.pathname).toBe("/v1/streams/market_price/facts");
    expect(url.searchParams.get("symbol")).toBe("BTC-USD");
    expect((await cli(["streams", "facts", "market_price"])).code).toBe(2);
  });

  it("whoami asks GET /v1/admin/whoami: --json prints the answer, people get each scope and what it allows", async () => {
    const j = await cli(["whoami", "--json"], () => Response.json({ scopes: ["read", "write"] }));
    expect(j).toMatchObject({ code: 0, err: "" });
    expect(JSON.parse(j.out)).toEqual({ scopes: ["read", "write"] });
    expect(j.calls.map((c) => `${c.method} ${c.url} ${c.headers.authorization}`)).toEqual([
      "GET http://fabric.test/v1/admin/whoami Bearer admin-t",
    ]);
    const h = await cli(["whoami"], () => Response.json({ scopes: ["read"], name: "ops" }));
    expect(h.out).toMatch(/^token ops\n/);
    expect(h.out).toMatch(/│ read +│ every GET/);
    expect(h.out).not.toContain("write");
    const bad = await cli(["whoami"], () => problem(401));
    expect(bad).toMatchObject({ code: 1, out: "" });
    expect(bad.err).toContain("hint: set FABRIC_TOKEN or --token");
  });

  it("stats keeps fields of an unfamiliar shape (under other); dead letters list and replay", async () => {
    const s = await cli(["stats"], () =>
      Response.json({ facts: { total: 5 }, wakes: { backlog: 0 }, shards: [{ shard: 0, matches: 7 }] }),
    );
    expect(s.out).toMatch(/│ 0 +│ +7 │/);
    expect(s.out.slice(s.out.indexOf("other\n"))).toMatch(/facts\.total +│ 5/);
    expect(s.out).toMatch(/wakes\.backlog +│ 0/);
    expect(s.out).not.toContain("{");
    const l = await cli(["dead-letters", "list", "wakes", "--json"], () =>
      Response.json({ deadLetters: [{ id: "d1", error: "x" }] }),
    );
    expect(JSON.parse(l.out)).toEqual([{ id: "d1", error: "x" }]);
    for (const noun of ["dead-letters", "dlq"]) {
      const p = await cli([noun, "replay", "wakes", "d1"], () => Response.json({ replayed: "d1" }));
      expect(p).toMatchObject({ code: 0, out: "replayed d1\n" });
      expect(p.calls[0]?.url).toBe("http://fabric.test/v1/admin/dead-letters/wakes/d1/replay");
    }
    const dl = await cli(["dlq", "list", "facts"], () =>
      Response.json({ deadLetters: [{ id: "d2", reason: "y", attempts: 2, failed_at: 0, replayed_at: null }] }),
    );
    expect(dl.out).toMatch(/│ d2 +│ 1970-01-01T00:00:00Z │ +2 │ y +│ no +│/);
  });
});

describe("rebuild", () => {
  it("polls until complete and prints the summary", async () => {
    const r = await cli(["rebuild"], (req, n) => {
      if (req.method === "POST") return Response.json({ rebuildId: "rb1" }, { status: 202 });
      const done = n >= 3;
      return Response.json({
        rebuildId: "rb1",
        status: done ? "complete" : "running",
        eventsApplied: n * 10,
        startedAt: 1000,
        ...(done ? { completedAt: 3500 } : {}),
      });
    });
    expect(r).toMatchObject({ code: 0, out: "rebuild rb1 complete: 30 events applied in 2.5 s\n" });
  });

  it("a failed rebuild exits 1 with its reason", async () => {
    const r = await cli(["rebuild", "--json"], (req) =>
      req.method === "POST"
        ? Response.json({ rebuildId: "rb2" }, { status: 202 })
        : Response.json({ rebuildId: "rb2", status: "failed", eventsApplied: 1, startedAt: 0, error: "boom" }),
    );
    expect(r).toMatchObject({ code: 1, out: "" });
    expect(r.err).toBe("error: Rebuild failed: rebuild rb2 failed: boom\n");
  });
});
