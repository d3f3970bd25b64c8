import { describe, expect, it } from "vitest";
import { referenceEvaluate } from "../../src/engine/reference";
import type { Op } from "../../src/engine/types";
import { memoryShardStorage } from "../../src/shard/memory-storage";
import { ShardCore } from "../../src/shard/shard-core";
import { FACTS, MONITORS, SECOND_HALF_AT, VALUES } from "./indicator-restart-scenario";

// ema and rsi depend on every sample since the series' first, and sma and Bollinger on their last N,
// but retention prunes the fact log. So a restart must load the indicator states and the shared
// window that the checkpoint saved: the log no longer holds what built them. A mutation audit found
// that replaying the pruned log instead, or not saving the window, failed only golden-format literals.

describe("a restart after the fact log was pruned", () => {
  it("continues every indicator from its saved state and matches as the reference over the whole log", () => {
    const facts = FACTS;
    const storage = memoryShardStorage();
    const options = { checkpointFacts: 1000, log: () => {} };
    let shard = new ShardCore(storage, options);
    for (const op of MONITORS) if (op.type === "upsert") shard.upsertMonitor(op.def);
    facts.slice(0, VALUES.length).forEach((op) => {
      if (op.type === "fact") shard.applyFacts([op.fact], 0);
    });
    // A monitor change checkpoints the engine; pruning then drops every fact logged before it.
    shard.upsertMonitor({ ...(MONITORS[0] as Op & { type: "upsert" }).def, monitorId: "other" });
    shard.prune(1);
    expect(storage.facts.size().factLogSize).toBe(0);
    shard = new ShardCore(storage, options);
    facts.slice(VALUES.length).forEach((op) => {
      if (op.type === "fact") shard.applyFacts([op.fact], 0);
    });
    const reference = referenceEvaluate([...MONITORS, ...facts]).filter((m) => m.monitorId !== "other");
    const after = reference.filter((m) => m.observedAt >= SECOND_HALF_AT);
    expect(new Set(after.map((m) => m.monitorId))).toEqual(new Set(["ema", "rsi", "sma", "band"]));
    expect(storage.outbox.matches().filter((m) => m.monitorId !== "other")).toEqual(reference);
  });
});
