import { describe, expect, it } from "vitest";
import type { AcceptedFact } from "../../../shared/src/facts";
import type { MonitorDefinition } from "../../../shared/src/monitor";
import { factStreamKey } from "../../../shared/src/streams";
import { memoryShardStorage } from "../../src/shard/memory-storage";
import { ShardCore } from "../../src/shard/shard-core";

let seq = 0;
function price(symbol: string, minute: number, value: number): AcceptedFact {
  const f = { kind: "market_price" as const, subject: { symbol }, observedAt: minute * 60_000, data: { price: value } };
  seq++;
  return {
    ...f,
    eventId: `01JUNW${String(seq).padStart(20, "0")}`,
    producerId: "p",
    receivedAt: 0,
    streamKey: factStreamKey(f),
  };
}

const watchingBtc: MonitorDefinition = {
  monitorId: "m-btc",
  version: 1,
  workflowId: "wf-1",
  ownerUserId: "u-1",
  linkedPortfolioIds: ["pf-1"],
  predicate: { stream: { kind: "market_price", subject: { symbol: "BTC-USD" } }, field: "price", op: "gt", value: 1 },
  fire: { mode: "edge", cooldownMs: 0, once: false },
  enabled: true,
};

function shardWithLog() {
  const lines: Record<string, unknown>[] = [];
  const shard = new ShardCore(memoryShardStorage(), {
    checkpointFacts: 100,
    log: (line) => lines.push(JSON.parse(line) as Record<string, unknown>),
  });
  shard.upsertMonitor(watchingBtc);
  return { shard, lines };
}

describe("facts no monitor reads", () => {
  it("counts a typo'd subject's facts as unwatched and names its stream in one facts_unwatched line", () => {
    const { shard, lines } = shardWithLog();
    shard.applyFacts([price("BTC-USD", 1, 10), price("BTCUSD", 1, 10), price("BTCUSD", 2, 11)], 0, []);
    expect(shard.stats(0).factsUnwatched).toBe(2);
    const line = lines.find((l) => l.event === "facts_unwatched");
    expect(line).toMatchObject({ level: "info", count: 2, streams: ["market_price:BTCUSD"] });
  });

  it("does not count a stream a monitor on another shard follows, nor one a monitor here reads", () => {
    const { shard, lines } = shardWithLog();
    shard.applyFacts([price("BTC-USD", 1, 10), price("ETH-USD", 1, 10)], 0, ["market_price:ETH-USD"]);
    expect(shard.stats(0).factsUnwatched).toBe(0);
    expect(lines.some((l) => l.event === "facts_unwatched")).toBe(false);
  });

  it("counts again once the only monitor reading the stream is removed", () => {
    const { shard } = shardWithLog();
    shard.applyFacts([price("BTC-USD", 1, 10)], 0, []);
    shard.removeMonitor("m-btc", 2);
    shard.applyFacts([price("BTC-USD", 2, 10)], 0, []);
    expect(shard.stats(0).factsUnwatched).toBe(1);
  });

  it("names the streams of stale facts in its facts_stale line", () => {
    const { shard, lines } = shardWithLog();
    shard.applyFacts([price("BTC-USD", 5, 10), price("BTC-USD", 4, 10)], 0, []);
    expect(lines.find((l) => l.event === "facts_stale")).toMatchObject({ count: 1, streams: ["market_price:BTC-USD"] });
  });
});
