import { describe, expect, it } from "vitest";
import { streamKey } from "../../../shared/src/streams";
import { streamKeyOfQuery } from "../../src/registry/stream-key-query";
import { problemOf } from "./problem-of";

describe("the stream filter of the monitor list", () => {
  it("names the same stream whether its subject is typed raw or percent-encoded", () => {
    const key = streamKey({ kind: "market_price", subject: { symbol: "EUR/USD" } });
    expect(streamKeyOfQuery("market_price:EUR/USD")).toBe(key);
    expect(streamKeyOfQuery("market_price:EUR%2FUSD")).toBe(key);
    const unicode = streamKey({ kind: "market_price", subject: { symbol: "日経225" } });
    expect(streamKeyOfQuery("market_price:日経225")).toBe(unicode);
    expect(streamKeyOfQuery(unicode)).toBe(unicode);
    expect(streamKeyOfQuery("market_price:100%")).toBe(
      streamKey({ kind: "market_price", subject: { symbol: "100%" } }),
    );
  });

  it("splits a two-field subject at its slash, in the key's field order", () => {
    const key = streamKey({ kind: "portfolio_held_asset_metrics", subject: { portfolioId: "p 1", asset: "ETH" } });
    expect(streamKeyOfQuery("portfolio_held_asset_metrics:p 1/ETH")).toBe(key);
    expect(streamKeyOfQuery(key)).toBe(key);
  });

  it("refuses a key that names no stream with a 400 on query.stream saying the form", () => {
    const unknownKind = problemOf(() => streamKeyOfQuery("nonsense"));
    expect(unknownKind.status).toBe(400);
    expect(unknownKind.errors?.map((e) => e.path)).toEqual(["query.stream"]);
    expect(unknownKind.detail).toContain("the kinds are market_price");
    const missingPart = problemOf(() => streamKeyOfQuery("portfolio_held_asset_metrics:p1"));
    expect(missingPart.detail).toContain("portfolio_held_asset_metrics:<portfolioId>/<asset>");
    expect(problemOf(() => streamKeyOfQuery("market_price:")).status).toBe(400);
    expect(problemOf(() => streamKeyOfQuery(`market_price:${"x".repeat(129)}`)).detail).toContain("1 to 128");
  });
});
