import { describe, expect, it } from "vitest";
import { subjectOfQuery } from "../../src/registry/stream-subject-query";
import { problemOf } from "./problem-of";

describe("the subject of a stream read from its query parameters", () => {
  it("takes exactly the fields the kind's facts carry", () => {
    expect(subjectOfQuery("market_price", { symbol: "BTC-USD" })).toEqual({ symbol: "BTC-USD" });
    expect(subjectOfQuery("portfolio_held_asset_metrics", { portfolioId: "p1", asset: "ETH" })).toEqual({
      portfolioId: "p1",
      asset: "ETH",
    });
  });

  it("refuses a missing field with a 400 naming it and the fields the kind needs", () => {
    const p = problemOf(() => subjectOfQuery("market_price", {}));
    expect(p.status).toBe(400);
    expect(p.detail).toContain("market_price streams are named by symbol");
    expect(p.errors?.map((e) => e.path)).toEqual(["query.symbol"]);
  });

  it("refuses a field the kind does not have", () => {
    const p = problemOf(() => subjectOfQuery("portfolio_nav_usd", { symbol: "X" }));
    expect(p.detail).toContain("portfolio_nav_usd streams are named by portfolioId");
    expect(p.errors?.map((e) => e.path).sort()).toEqual(["query", "query.portfolioId"].sort());
  });
});
