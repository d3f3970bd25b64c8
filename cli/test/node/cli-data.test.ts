import { describe, expect, it } from "vitest";
import { parseFacts } from "../../src/input";
import { cli, problem } from "./harness";

describe("reads", () => {
  const match = (i: number) => ({
    matchId: `mt-${i}`,
    monitorId: "m1",
    monitorVersion: 1,
    eventId: `ev-${i}`,
    observedAt: 1795341660000 + i,
    workflowId: "wf",
    portfolioId: null,
    triggerEvent: { kind: "market_price", subject: { symbol: "BTC" }, observedAt: 0, data: { price: i }, eventId: "" },
  });

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

  it("stats flattens into a key/value table; dead letters list and replay", async () => {
    const s = await cli(["stats"], () =>
      Response.json({ facts: { total: 5 }, wakes: { backlog: 0 }, shards: [{ shard: 0, matches: 7 }] }),
    );
    expect(s.out).toMatch(/facts\.total.*5/);
    // An array of objects is a row per leaf, never a cell of JSON.
    expect(s.out).toMatch(/shards\.0\.matches.*7/);
    expect(s.out).not.toContain("{");
    const l = await cli(["dead-letters", "list", "wakes", "--json"], () =>
      Response.json({ deadLetters: [{ id: "d1", error: "x" }] }),
    );
    expect(JSON.parse(l.out)).toEqual([{ id: "d1", error: "x" }]);
    const p = await cli(["dead-letters", "replay", "wakes", "d1"], () => Response.json({ replayed: "d1" }));
    expect(p).toMatchObject({ code: 0, out: "replayed d1\n" });
    expect(p.calls[0]?.url).toBe("http://fabric.test/v1/admin/dead-letters/wakes/d1/replay");
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

describe("facts push", () => {
  const fact = (i: number) => ({ kind: "market_price", subject: { symbol: "BTC" }, observedAt: i, data: { price: i } });
  const accept = (req: { body: string }) => {
    const facts = JSON.parse(req.body).facts as { dedupeKey?: string }[];
    return Response.json(
      { accepted: facts.length, duplicates: 0, eventIds: facts.map((f) => `ev-${f.dedupeKey}`) },
      { status: 202 },
    );
  };

  it("reads NDJSON, JSON arrays and { facts } bodies", () => {
    const nd = `${JSON.stringify(fact(1))}\n\n${JSON.stringify(fact(2))}\n`;
    expect(parseFacts(nd, "f")).toEqual([fact(1), fact(2)]);
    expect(parseFacts(JSON.stringify([fact(1)]), "f")).toEqual([fact(1)]);
    expect(parseFacts(JSON.stringify({ facts: [fact(3)] }), "f")).toEqual([fact(3)]);
    expect(() => parseFacts(`${JSON.stringify(fact(1))}\n{bad`, "f.ndjson")).toThrow("f.ndjson line 2 is not JSON");
  });

  it("pushes 2,500 facts in order through the client with dedupeKeys, as the producer", async () => {
    const facts = Array.from({ length: 2500 }, (_, i) => fact(i));
    const r = await cli(
      ["facts", "push", "-f", "p.ndjson", "--dedupe-key", "subject.symbol,observedAt", "--json"],
      accept,
      {
        files: { "p.ndjson": facts.map((f) => JSON.stringify(f)).join("\n") },
        env: { FABRIC_URL: "http://f", FABRIC_PRODUCER_TOKEN: "prod-t" },
      },
    );
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out);
    expect(out.accepted).toBe(2500);
    expect(out.eventIds[2499]).toBe("ev-BTC:2499");
    expect(r.calls.map((c) => JSON.parse(c.body).facts.length)).toEqual([1000, 1000, 500]);
    expect(r.calls[0]?.headers.authorization).toBe("Bearer prod-t");
  });

  it("a failure part-way says how far it got and how to resume", async () => {
    const facts = Array.from({ length: 1500 }, (_, i) => fact(i));
    const r = await cli(
      ["facts", "push", "--dedupe-key", "observedAt"],
      (req, n) => (n === 0 ? accept(req) : problem(403, { detail: "kind not allowed" })),
      { stdin: JSON.stringify(facts) },
    );
    expect(r.code).toBe(1);
    expect(r.out).toBe("");
    expect(r.err).toContain("pushed 1000 of 1500 facts before the failure; re-run the same command to resume");
    expect(r.err).toContain("error: Refused: kind not allowed");
  });

  it("a refused first request says nothing was pushed, with the token hint", async () => {
    const r = await cli(["facts", "push"], () => problem(401), { stdin: JSON.stringify(fact(1)) });
    expect(r.code).toBe(1);
    expect(r.err).toContain("nothing was pushed (0 of 1 facts)\n");
    expect(r.err).toContain("FABRIC_PRODUCER_TOKEN or --producer-token for facts push");
  });

  it("a missing --dedupe-key field is a usage error before any request", async () => {
    const r = await cli(["facts", "push", "--dedupe-key", "data.seq"], accept, { stdin: JSON.stringify([fact(1)]) });
    expect(r.code).toBe(2);
    expect(r.err).toBe("error: a fact has no data.seq for --dedupe-key\n");
    expect(r.calls).toHaveLength(0);
  });
});
