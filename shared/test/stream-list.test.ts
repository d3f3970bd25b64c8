import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { STREAM_KINDS } from "../../console/src/stream-kinds";
import { FACT_KINDS } from "../src/facts";
import { mergeStreamPages, type StreamSummary, streamMatches, streamOfKey } from "../src/stream-list";
import { shardOf, streamKey } from "../src/streams";

const summary = (streamKey: string): StreamSummary => ({
  streamKey,
  facts: 1,
  firstObservedAt: null,
  lastObservedAt: null,
});

describe("the streams list's merge of shard pages", () => {
  it("pages through every stream of every shard once, in key order, whatever the page size", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 6 }), { maxLength: 60 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 12 }),
        (keys, shards, limit) => {
          const owned = (n: number) => keys.filter((k) => shardOf(k, shards) === n).sort();
          const seen: string[] = [];
          let cursor = "";
          for (let pages = 0; pages <= keys.length + 1; pages++) {
            const shardPages = Array.from({ length: shards }, (_, n) => {
              const after = owned(n).filter((k) => k > cursor);
              return { streams: after.slice(0, limit).map(summary), more: after.length > limit };
            });
            const page = mergeStreamPages(shardPages, limit);
            expect(page.streams.length).toBeLessThanOrEqual(limit);
            seen.push(...page.streams.map((s) => s.streamKey));
            if (page.nextCursor === null) break;
            cursor = page.nextCursor;
          }
          expect(seen).toEqual([...keys].sort());
        },
      ),
    );
  });
});

describe("which streams a filter keeps", () => {
  const eurUsd = streamKey({ kind: "market_price", subject: { symbol: "EUR/USD" } });

  it("keeps a kind's streams, and finds text in the key or the subject as typed, in any case", () => {
    expect(streamMatches("market_price:BTC-USD", { kind: "market_price", q: "btc" })).toBe(true);
    expect(streamMatches("market_candles:BTC-USD", { kind: "market_price" })).toBe(false);
    expect(streamMatches("market_price:BTCUSD", { q: "btc-" })).toBe(false);
    expect(streamMatches(eurUsd, { q: "eur/usd" })).toBe(true);
    expect(streamMatches(eurUsd, { q: "EUR%2f" })).toBe(true);
  });

  it("reads a key back into its kind and subject, fields named as the kind's facts name them", () => {
    expect(streamOfKey(eurUsd)).toEqual({ kind: "market_price", subject: { symbol: "EUR/USD" } });
    expect(streamOfKey("portfolio_held_asset_metrics:pf-1/BTC")).toEqual({
      kind: "portfolio_held_asset_metrics",
      subject: { portfolioId: "pf-1", asset: "BTC" },
    });
    expect(streamOfKey("approval_pending_count:u%201")).toEqual({
      kind: "approval_pending_count",
      subject: { userId: "u 1" },
    });
  });
});

describe("the console's copy of the fact kinds", () => {
  it("names every kind the fabric accepts, in its order", () => {
    expect([...STREAM_KINDS]).toEqual(FACT_KINDS);
  });
});
