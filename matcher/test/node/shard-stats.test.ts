import { describe, expect, it } from "vitest";
import { memoryShardStorage } from "../../src/shard/memory-storage";
import { ShardCore } from "../../src/shard/shard-core";
import { plainMonitorAndLog } from "./arbitraries";

const COUNTERS = ["factsApplied", "factsStale", "duplicates", "matches"] as const;

describe("shard stats", () => {
  it("reports every counter as 0 on a shard that has seen nothing, not as missing", () => {
    const stats = new ShardCore(memoryShardStorage(), { checkpointFacts: 100, log: () => {} }).stats(0);
    for (const k of COUNTERS) expect(stats[k], k).toBe(0);
  });

  it("keeps the counters that never moved at 0 beside the ones that did", () => {
    const shard = new ShardCore(memoryShardStorage(), { checkpointFacts: 100, log: () => {} });
    const { facts } = plainMonitorAndLog(3);
    shard.applyFacts(facts, 0);
    shard.applyFacts(facts.slice(0, 1), 0);
    expect(shard.stats(0)).toMatchObject({ factsApplied: 3, duplicates: 1, factsStale: 0, matches: 0 });
  });
});
