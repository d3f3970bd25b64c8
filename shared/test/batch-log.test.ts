import { describe, expect, it } from "vitest";
import { batchLogLine, LOGGED_IDS } from "../src/batch-log";

describe("batchLogLine", () => {
  it("counts every item but keeps only the first ids", () => {
    const ids = Array.from({ length: 1000 }, (_, i) => `e${i}`);
    const line = JSON.parse(batchLogLine("info", "stale facts logged, not applied", ids, { shard: "3" }));
    expect(line).toEqual({
      level: "info",
      msg: "stale facts logged, not applied",
      count: 1000,
      shard: "3",
      ids: ids.slice(0, LOGGED_IDS),
    });
  });

  it("keeps all ids of a small batch", () => {
    expect(JSON.parse(batchLogLine("warn", "x", ["a", "b"])).ids).toEqual(["a", "b"]);
  });
});
