import { describe, expect, it } from "vitest";
import { firstFormatIndicators } from "../../src/engine/first-indicator-format";
import { referenceEvaluate } from "../../src/engine/reference";
import type { Op } from "../../src/engine/types";
import { memoryShardStorage } from "../../src/shard/memory-storage";
import { ShardCore } from "../../src/shard/shard-core";
import { FACTS, MONITORS, SECOND_HALF_AT, VALUES } from "./indicator-restart-scenario";

// Shards deployed before the second indicator format (main up to efdb1c2) saved their indicator
// states under `ind`. An upgrade restores them after retention has pruned the log that built them,
// so they must be read, not rebuilt from what the log still holds: ema and rsi depend on every
// sample since the series' first, sma and Bollinger on their last N.

/**
 * What the shard of commit efdb1c2 saved at its checkpoint after MONITORS, VALUES and a monitor
 * `other` (its ShardCore over memory storage, run from that commit's tree): stream states in the
 * first indicator format and the monitors' states, whose format did not change.
 */
const FIRST_FORMAT = {
  monitors: [
    ["ema", [1, 0, 0, null, 8, null]],
    ["rsi", [1, 0, 0, null, 8, null]],
    ["sma", [1, 0, 0, null, 8, null]],
    ["band", [1, 0, 0, null, 8, null, null]],
    ["other", [1, 0, 0, null, 9, null]],
  ],
  streams: [
    [
      "market_price:BTC",
      {
        latest: 1011000,
        ind: [
          ["price", "ema:3", [3, 10, 3.928385416666667]],
          ["price", "rsi:3", [4, 3, 1.5123710816440583, 2.012244068485495]],
          ["price", "sma:3", [3, 0, 2, 6, 3]],
          ["price", "bollinger_upper:3:1", [3, 0, 2, 6, 3]],
        ],
      },
    ],
  ],
} as const;

describe("a restart over indicator states saved in the first format", () => {
  it("continues every indicator from the old states after the log was pruned, as the reference over the whole log", () => {
    const facts = FACTS;
    const storage = memoryShardStorage();
    const options = { checkpointFacts: 1000, log: () => {} };
    let shard = new ShardCore(storage, options);
    for (const op of MONITORS) if (op.type === "upsert") shard.upsertMonitor(op.def);
    for (const op of facts.slice(0, VALUES.length)) if (op.type === "fact") shard.applyFacts([op.fact], 0);
    shard.upsertMonitor({ ...(MONITORS[0] as Op & { type: "upsert" }).def, monitorId: "other" });
    shard.prune(1);
    expect(storage.facts.size().factLogSize).toBe(0);
    // The checkpoint as the old code wrote it: the same monitor states, the first indicator format.
    expect([...storage.monitors.states("monitor")]).toEqual(FIRST_FORMAT.monitors);
    storage.monitors.putStates("stream", JSON.parse(JSON.stringify(FIRST_FORMAT.streams)));

    shard = new ShardCore(storage, options);
    for (const op of facts.slice(VALUES.length)) if (op.type === "fact") shard.applyFacts([op.fact], 0);
    const reference = referenceEvaluate([...MONITORS, ...facts]).filter((m) => m.monitorId !== "other");
    const after = reference.filter((m) => m.observedAt >= SECOND_HALF_AT);
    expect(new Set(after.map((m) => m.monitorId))).toEqual(new Set(["ema", "rsi", "sma", "band"]));
    expect(storage.outbox.matches().filter((m) => m.monitorId !== "other")).toEqual(reference);
  });
});

describe("first-format indicator states read into today's", () => {
  it("keeps ema and rsi, and turns each sma/Bollinger ring (oldest at head) into an exactly summed state and the series' window", () => {
    const first = firstFormatIndicators([
      ["price", "sma:3", [3, 1, 7, 9, 4]],
      ["price", "rsi:2", [3, 7, 2, 1.3125]],
      ["price", "ema:2", [2, 8, 6.444444444444445]],
      ["price", "bollinger_upper:2:1", [2, 1, 7, 4]],
      ["bid", "sma:4", [2, 2, 5, 6, 0, 0]],
    ]);
    expect(first.states).toEqual([
      ["price", "rsi:2", [3, 7, 2, 1.3125]],
      ["price", "ema:2", [2, 8, 6.444444444444445]],
    ]);
    // Today's live states of the same series are sma:3 [3, 1, 20, 0] and band [2, 1, 11, 4.5]
    // (engine-state-format.test.ts): the same sums, summed exactly at phase 0.
    expect(first.fallbacks).toEqual([
      ["price", "sma:3", [3, 0, 20, 0]],
      ["price", "bollinger_upper:2:1", [2, 0, 11, 4.5]],
      ["bid", "sma:4", [2, 0, 11, 0]],
    ]);
    expect(first.windows).toEqual([
      ["price", [9, 4, 7]],
      ["bid", [5, 6]],
    ]);
  });

  it("skips entries of another shape instead of failing the restore", () => {
    const first = firstFormatIndicators([["price", "sma:3", [3, 5, 1, 2, 3]], ["price", "sma:3", [1, 2]], "x"]);
    expect(first).toEqual({ states: [], fallbacks: [], windows: [] });
  });
});
