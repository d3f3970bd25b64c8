import { describe, expect, it } from "vitest";
import { cli, problem } from "./harness";

/** `fabric streams ls` against a scripted GET /v1/streams. */
const T = Date.parse("2026-12-01T10:00:00Z");
const stream = (symbol: string, facts = 3) => ({
  streamKey: `market_price:${symbol}`,
  kind: "market_price",
  subject: { symbol },
  facts,
  firstObservedAt: T,
  lastObservedAt: T + 60_000,
  monitors: 2,
});

/** 150 streams S000…S149, paged by cursor (the last key of the previous page) as the route does. */
function stored(req: { url: string }): Response {
  const q = new URL(req.url).searchParams;
  const all = Array.from({ length: 150 }, (_, i) => stream(`S${String(i).padStart(3, "0")}`));
  const after = all.filter((s) => s.streamKey > (q.get("cursor") ?? ""));
  const page = after.slice(0, Number(q.get("limit")));
  return Response.json({ streams: page, nextCursor: after.length > page.length ? page.at(-1)?.streamKey : null });
}

describe("fabric streams ls", () => {
  it("prints a table of key, facts, first, last and monitors, and sends --kind and --q", async () => {
    const r = await cli(["streams", "ls", "--kind", "market_price", "--q", "btc"], () =>
      Response.json({ streams: [stream("BTC-USD", 1234), stream("BTCUSD", 1)], nextCursor: null }),
    );
    expect(r.code).toBe(0);
    const q = new URL(r.calls[0]?.url ?? "").searchParams;
    expect(new URL(r.calls[0]?.url ?? "").pathname).toBe("/v1/streams");
    expect([q.get("kind"), q.get("q")]).toEqual(["market_price", "btc"]);
    const lines = r.out.split("\n");
    expect(lines[1]).toMatch(/key\s.*facts\s.*first\s.*last\s.*monitors/);
    const btc = lines.find((l) => l.includes("market_price:BTC-USD")) ?? "";
    expect(btc).toContain("1,234");
    expect(btc).toContain("2026-12-01T10:00:00.000Z");
    expect(btc).toContain("2026-12-01T10:01:00.000Z");
    expect(r.out).toContain("market_price:BTCUSD");
    expect(r.err).toBe("");
  });

  it("--json prints exactly the streams; a cut list says so on stderr, one request", async () => {
    const r = await cli(["streams", "ls", "--json"], stored);
    expect(r.code).toBe(0);
    const got = JSON.parse(r.out) as { streamKey: string }[];
    expect(got).toHaveLength(100);
    expect(got[99]?.streamKey).toBe("market_price:S099");
    expect(r.err).toBe("first 100 streams shown; more: raise --limit or narrow with --kind or --q\n");
    expect(r.calls).toHaveLength(1);
    const all = await cli(["streams", "ls", "--limit", "150", "--json"], stored);
    expect(JSON.parse(all.out)).toHaveLength(150);
    expect(all.err).toBe("");
  });

  it("says when nothing matches, and passes on the fabric's 400 with exit code 1", async () => {
    const none = await cli(["streams", "ls", "--q", "zz"], () => Response.json({ streams: [], nextCursor: null }));
    expect(none).toMatchObject({ code: 0, out: "", err: "no streams match\n" });
    const bad = await cli(["streams", "ls", "--kind", "market_prize"], () =>
      problem(400, {
        title: "Invalid request",
        detail: "A query parameter is invalid: query.kind",
        errors: [{ path: "query.kind", message: 'did you mean "market_price"?' }],
      }),
    );
    expect(bad.code).toBe(1);
    expect(bad.err).toContain("market_price");
  });
});
