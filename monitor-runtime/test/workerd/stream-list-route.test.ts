import { beforeAll, describe, expect, it } from "vitest";
import type { StreamRead } from "../../../shared/src/contract/reads";
import { shardCount, shardName } from "../../../shared/src/contract/topology";
import type { AcceptedFact } from "../../../shared/src/facts";
import { shardOf, streamKey } from "../../../shared/src/streams";
import { call, renv } from "./runtime-helpers";

/**
 * GET /v1/streams for real: the matcher's shards in workerd hold the facts (stored through each
 * owner's RPC, one stream also copied onto another shard as a follower holds it), the registry
 * holds the monitors, and the route merges the shards' pages by stream key.
 */
const T0 = Date.parse("2026-12-01T10:00:00Z");
let n = 0;
const facts = (kind: string, subject: Record<string, string>, count: number): AcceptedFact[] =>
  Array.from({ length: count }, (_, i) => ({
    kind: kind as "market_price",
    subject: subject as { symbol: string },
    data: kind === "market_price" ? { price: 100 + i } : { value: 10 + i },
    observedAt: T0 + i * 60_000,
    eventId: `01SLIST${String(++n).padStart(19, "0")}`,
    producerId: "test",
    receivedAt: T0,
    streamKey: streamKey({ kind, subject }),
  })) as AcceptedFact[];
const shard = (i: number) => renv.SHARDS.get(renv.SHARDS.idFromName(shardName(i)));
const ownerOf = (key: string) => shard(shardOf(key, shardCount(renv)));

const SYMBOLS = Array.from({ length: 20 }, (_, i) => `SL-A${String(i).padStart(2, "0")}`);
const KEYS = SYMBOLS.map((symbol) => `market_price:${symbol}`);
const factCount = (i: number) => (i % 3) + 1;

async function seeded(): Promise<void> {
  await Promise.all(
    SYMBOLS.map((symbol, i) => ownerOf(KEYS[i] ?? "").applyFacts(facts("market_price", { symbol }, factCount(i)))),
  );
  const nav = facts("portfolio_nav_usd", { portfolioId: "sl-pf/1" }, 2);
  await ownerOf(nav[0]?.streamKey ?? "").applyFacts(nav);
  // A follower's copy of SL-A05 on another shard: listed once, by its owner.
  const owner = shardOf(KEYS[5] ?? "", shardCount(renv));
  await shard((owner + 1) % shardCount(renv)).importFacts(facts("market_price", { symbol: "SL-A05" }, 1));
}

const list = async (query: string) => {
  const res = await call("GET", `/v1/streams?${query}`);
  expect(res.status).toBe(200);
  return res.json as unknown as { streams: StreamRead[]; nextCursor: string | null };
};

describe("GET /v1/streams", () => {
  // The shards are the matcher's (an auxiliary Worker): their storage lasts the whole file.
  beforeAll(seeded);

  it("pages across every shard in key order, each stream once, with its counts, span and monitors", async () => {
    const monitor = (symbol: string) => ({
      workflowId: "wf-slist",
      ownerUserId: "u-slist",
      predicate: { stream: { kind: "market_price", subject: { symbol } }, field: "price", op: "gt", value: 1 },
      fire: { mode: "edge" },
    });
    expect((await call("PUT", "/v1/monitors/slist-1", monitor("SL-A03"))).status).toBe(201);
    expect((await call("PUT", "/v1/monitors/slist-2", monitor("SL-A03"))).status).toBe(201);
    expect((await call("PUT", "/v1/monitors/slist-3", monitor("SL-A07"))).status).toBe(201);
    expect(new Set(KEYS.map((k) => shardOf(k, shardCount(renv)))).size).toBeGreaterThan(4);

    const seen: StreamRead[] = [];
    let cursor: string | null = "";
    for (let pages = 0; cursor !== null; pages++) {
      expect(pages).toBeLessThan(10);
      const page = await list(`q=sl-a&limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      expect(page.streams.length).toBeLessThanOrEqual(3);
      seen.push(...page.streams);
      cursor = page.nextCursor;
    }
    expect(seen.map((s) => s.streamKey)).toEqual([...KEYS].sort());
    expect(seen.map((s) => s.facts)).toEqual(SYMBOLS.map((_, i) => factCount(i)));
    expect(seen[3]).toEqual({
      streamKey: "market_price:SL-A03",
      kind: "market_price",
      subject: { symbol: "SL-A03" },
      facts: 1,
      firstObservedAt: T0,
      lastObservedAt: T0,
      monitors: 2,
    });
    expect(seen[5]).toMatchObject({ facts: 3, firstObservedAt: T0, lastObservedAt: T0 + 120_000, monitors: 0 });
    expect(seen[7]?.monitors).toBe(1);
  });

  it("filters by kind and by text in the key or subject, in any case", async () => {
    expect((await list("q=SL-A1&limit=500")).streams.map((s) => s.streamKey)).toEqual(KEYS.slice(10));
    const nav = await list("kind=portfolio_nav_usd&q=SL-PF/1");
    expect(nav.streams).toEqual([
      expect.objectContaining({
        streamKey: "portfolio_nav_usd:sl-pf%2F1",
        subject: { portfolioId: "sl-pf/1" },
        facts: 2,
      }),
    ]);
    expect(nav.nextCursor).toBeNull();
    expect((await list("kind=market_candles&q=sl-a")).streams).toEqual([]);
  });

  it("answers a bad parameter with a 400 that says how to fix it", async () => {
    for (const [query, says] of [
      ["kind=market_prize", "market_price"],
      ["limit=0", "limit"],
      ["limit=501", "limit"],
      ["q=", "q"],
      ["kinds=market_price", "kind"],
    ] as const) {
      const res = await call("GET", `/v1/streams?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.type).toContain("application/problem+json");
      expect(JSON.stringify(res.json), query).toContain(says);
    }
    expect((await call("GET", "/v1/streams", undefined, {})).status).toBe(401);
  });

  it("is in the OpenAPI document with its schema and an example", async () => {
    const doc = (await call("GET", "/openapi.json")).json as { paths: Record<string, { get?: unknown }> };
    const op = JSON.stringify(doc.paths["/v1/streams"]?.get);
    expect(op).toContain("listStreams");
    expect(op).toContain("market_price:BTC-USD");
  });
});
