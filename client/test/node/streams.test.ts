import { describe, expect, it } from "vitest";
import { FabricClient } from "../../src/client";
import { FabricError } from "../../src/errors";
import { fakeFetch, problem } from "./fake-fetch";

/** `streams.list` against a scripted GET /v1/streams: filters sent, pages followed, errors typed. */
const stream = (key: string) => ({
  streamKey: key,
  kind: "market_price",
  subject: { symbol: key.split(":")[1] },
  facts: 2,
  firstObservedAt: 1,
  lastObservedAt: 2,
  monitors: 0,
});

function client(fetch: ReturnType<typeof fakeFetch>["fetch"]) {
  return new FabricClient({ baseUrl: "http://fabric.test", token: "t", fetch, sleep: async () => {}, random: () => 0 });
}

describe("streams.list", () => {
  it("sends kind, q and the page size, and follows nextCursor page by page", async () => {
    const f = fakeFetch((req) =>
      Response.json(
        new URL(req.url).searchParams.get("cursor")
          ? { streams: [stream("market_price:BTCUSD")], nextCursor: null }
          : {
              streams: [stream("market_price:BTC-EUR"), stream("market_price:BTC-USD")],
              nextCursor: "market_price:BTC-USD",
            },
      ),
    );
    const keys: string[] = [];
    for await (const s of client(f.fetch).streams.list({ kind: "market_price", q: "btc", pageSize: 2 })) {
      keys.push(s.streamKey);
    }
    expect(keys).toEqual(["market_price:BTC-EUR", "market_price:BTC-USD", "market_price:BTCUSD"]);
    const urls = f.calls.map((c) => new URL(c.url));
    expect(urls.map((u) => u.pathname)).toEqual(["/v1/streams", "/v1/streams"]);
    expect(urls.map((u) => u.search)).toEqual([
      "?kind=market_price&q=btc&limit=2",
      "?kind=market_price&q=btc&limit=2&cursor=market_price%3ABTC-USD",
    ]);
  });

  it("fetches a page only when the caller gets there", async () => {
    const f = fakeFetch(() => Response.json({ streams: [stream("market_price:A")], nextCursor: "market_price:A" }));
    for await (const s of client(f.fetch).streams.list()) {
      expect(s.streamKey).toBe("market_price:A");
      break;
    }
    expect(f.calls).toHaveLength(1);
  });

  it("throws the fabric's 400 as a FabricError naming the parameter", async () => {
    const f = fakeFetch(() =>
      problem(400, { code: "validation", errors: [{ path: "query.kind", message: 'did you mean "market_price"?' }] }),
    );
    const err = await client(f.fetch)
      .streams.page({ q: "x" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FabricError);
    expect((err as FabricError).status).toBe(400);
    expect((err as FabricError).errors[0]?.path).toBe("query.kind");
  });
});
