import { describe, expect, it } from "vitest";
import { referenceEvaluate } from "../../src/engine/reference";
import type { Op } from "../../src/engine/types";
import { memoryShardStorage } from "../../src/shard/memory-storage";
import { ShardCore } from "../../src/shard/shard-core";
import { cond, monitor, price } from "./example-ops";

// ema and rsi depend on every sample since the series' first, and sma and Bollinger on their last N,
// but retention prunes the fact log. So a restart must load the indicator states and the shared
// window that the checkpoint saved: the log no longer holds what built them. A mutation audit found
// that replaying the pruned log instead, or not saving the window, failed only golden-format literals.

const ind = {
  ema: { kind: "ema", samples: 3 },
  rsi: { kind: "rsi", samples: 3 },
  sma: { kind: "sma", samples: 3 },
  upper: { kind: "bollinger_upper", samples: 3, k: 1 },
} as const;

const MONITORS: Op[] = [
  monitor(cond("crosses_above", 4, { indicator: ind.ema }), {}, { monitorId: "ema" }),
  monitor(cond("crosses_below", 40, { indicator: ind.rsi }), {}, { monitorId: "rsi" }),
  monitor(cond("crosses_above", 4, { indicator: ind.sma }), {}, { monitorId: "sma" }),
  monitor(cond("crosses_above", { field: "price", indicator: ind.upper }), {}, { monitorId: "band" }),
];

const VALUES = [1, 3, 6, 2, 7, 4, 1, 5, 7, 2, 6, 3];

describe("a restart after the fact log was pruned", () => {
  it("continues every indicator from its saved state and matches as the reference over the whole log", () => {
    const facts = [...VALUES, ...VALUES].map((v, i) => price(v, 1_000_000 + 1000 * i, `f${i}`));
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
    const after = reference.filter((m) => m.observedAt >= 1_000_000 + 1000 * VALUES.length);
    expect(new Set(after.map((m) => m.monitorId))).toEqual(new Set(["ema", "rsi", "sma", "band"]));
    expect(storage.outbox.matches().filter((m) => m.monitorId !== "other")).toEqual(reference);
  });
});
