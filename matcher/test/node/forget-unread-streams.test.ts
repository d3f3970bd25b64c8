import { describe, expect, it } from "vitest";
import type { AcceptedFact } from "../../../shared/src/facts";
import type { MonitorDefinition } from "../../../shared/src/monitor";
import type { Op } from "../../src/engine/types";
import { memoryShardStorage } from "../../src/shard/memory-storage";
import { ShardCore } from "../../src/shard/shard-core";
import { cond, monitor } from "./example-ops";

// A shard keeps each stream's latest observedAt (staleness) in memory and in its saved states. For
// a stream no monitor reads, that is all it keeps, and once retention has pruned its facts nothing
// else remembers it: without forgetting it too, the states grew with every stream ever seen.

let n = 0;
function fact(symbol: string, value: number, at: number): AcceptedFact {
  return {
    kind: "market_price",
    subject: { symbol },
    data: { price: value },
    observedAt: at,
    eventId: `f${++n}`,
    producerId: "p",
    receivedAt: at,
    streamKey: `market_price:${symbol}`,
  };
}

const T = 1_000_000;
function defOf(op: Op, monitorId: string): MonitorDefinition {
  if (op.type !== "upsert") throw new Error("not a monitor");
  return { ...op.def, monitorId };
}
const options = { checkpointFacts: 1000, log: () => {} };

function shardWithHistory() {
  const storage = memoryShardStorage();
  const shard = new ShardCore(storage, options);
  shard.upsertMonitor(defOf(monitor(cond("crosses_above", 100)), "m1"));
  // BTC is read by the monitor; ETH by nobody. Both received at wall time 0.
  shard.applyFacts([fact("BTC", 90, T), fact("ETH", 50, T), fact("BTC", 95, T + 2000), fact("ETH", 55, T + 2000)], 0);
  return { storage, shard };
}

describe("retention forgets the streams no monitor reads once their facts are pruned", () => {
  it("drops an unread stream's saved state with its last fact, and keeps a read one's", () => {
    const { storage, shard } = shardWithHistory();
    shard.upsertMonitor(defOf(monitor(cond("gt", 1)), "other")); // a checkpoint
    shard.prune(1);
    expect(storage.facts.size().factLogSize).toBe(0);
    const states = storage.monitors.states("stream");
    expect(states.has("market_price:BTC")).toBe(true);
    expect(states.has("market_price:ETH")).toBe(false);
    // Forgotten in memory too: a fact older than the forgotten latest is the stream's first, not stale.
    expect(shard.applyFacts([fact("ETH", 40, T + 1000)], 2).stale).toBe(0);
    // The read stream still knows its latest: an older fact there is stale.
    expect(shard.applyFacts([fact("BTC", 99, T + 1000)], 2).stale).toBe(1);
  });

  it("keeps an unread stream whose facts are still in the log", () => {
    const { storage, shard } = shardWithHistory();
    shard.upsertMonitor(defOf(monitor(cond("gt", 1)), "other")); // a checkpoint
    shard.applyFacts([fact("ETH", 60, T + 3000)], 10); // received after the cut
    shard.prune(5);
    expect(storage.monitors.states("stream").has("market_price:ETH")).toBe(true);
    expect(shard.applyFacts([fact("ETH", 40, T + 1000)], 11).stale).toBe(1);
  });
});
