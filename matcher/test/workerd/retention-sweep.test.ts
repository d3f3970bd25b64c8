import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { shardOf } from "../../../shared/src/streams";
import { crossingMonitor, priceFacts, shardFor } from "./helpers";

type Stub = ReturnType<typeof shardFor>;

const alarmOf = (shard: Stub) => runInDurableObject(shard, (_o, state) => state.storage.getAlarm());
const loggedSeqs = (shard: Stub) =>
  runInDurableObject(shard, (_o, state) =>
    state.storage.sql
      .exec<{ seq: number }>("SELECT seq FROM facts ORDER BY seq")
      .toArray()
      .map((r) => r.seq),
  );
const checkpointSeq = (shard: Stub) =>
  runInDurableObject(
    shard,
    (_o, state) => state.storage.sql.exec<{ seq: number }>("SELECT seq FROM checkpoint").one().seq,
  );
/** As if every logged fact had been received long ago (retention counts from receipt, wall time). */
const ageEveryFact = (shard: Stub) =>
  runInDurableObject(shard, (_o, state) => {
    state.storage.sql.exec("UPDATE facts SET received_at = 0");
  });

describe("the fact log's retention sweep", () => {
  it("runs on a shard whose facts never matched anything, and stays armed", async () => {
    // No monitor anywhere in this file: no batch matches, so no delivery ever arms the alarm.
    const shard = shardFor("IDLE");
    const result = await shard.applyFacts(priceFacts("IDLE", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]));
    expect(result.matches).toBe(0);
    expect(await alarmOf(shard)).not.toBeNull();

    await ageEveryFact(shard);
    const recent = priceFacts("IDLE", [13, 14], Date.UTC(2026, 0, 2));
    await shard.applyFacts(recent);
    expect(await runDurableObjectAlarm(shard)).toBe(true);
    // Pruned up to the last checkpoint (CHECKPOINT_FACTS=5 in this project) or the first recent fact.
    const kept = await loggedSeqs(shard);
    expect(kept.length).toBeGreaterThanOrEqual(recent.length);
    expect(kept.length).toBeLessThan(12);
    expect(kept[0]).toBeGreaterThan(Math.min(await checkpointSeq(shard), 12));
    // The recent facts are left to prune later: the next sweep is scheduled.
    expect(await alarmOf(shard)).not.toBeNull();
  });
});

describe("a removed monitor's bookkeeping on its shard", () => {
  it("drops the monitor's registration row, keeping only the tombstone that refuses older versions", async () => {
    const shard = shardFor("GONE");
    const registrations = () =>
      runInDurableObject(shard, (_o, state) =>
        state.storage.sql
          .exec<{ monitor_id: string }>("SELECT monitor_id FROM monitor_registrations WHERE monitor_id = 'gone-1'")
          .toArray(),
      );
    await shard.upsertMonitor(crossingMonitor("gone-1", "GONE", 100));
    expect(await registrations()).toHaveLength(1);
    expect((await shard.removeMonitor("gone-1", 2)).applied).toBe(true);
    expect(await registrations()).toHaveLength(0);
    // The tombstone still refuses the older version in flight.
    expect((await shard.upsertMonitor(crossingMonitor("gone-1", "GONE", 100))).applied).toBe(false);
  });
});

describe("streams no monitor reads", () => {
  it("are forgotten (memory and saved state) once the sweep has pruned their last fact", async () => {
    const shard = shardFor("FADE");
    const n = shardOf("market_price:FADE", 4);
    const watched = Array.from({ length: 200 }, (_, i) => `W${i}`).find((s) => shardOf(`market_price:${s}`, 4) === n);
    if (!watched) throw new Error("no symbol on FADE's shard");
    await shard.applyFacts([...priceFacts("FADE", [1, 2, 3]), ...priceFacts(watched, [5, 6])]);
    // A monitor change checkpoints the engine: every fact so far is then prunable.
    await shard.upsertMonitor(crossingMonitor("watcher", watched, 100));
    const savedStreams = () =>
      runInDurableObject(shard, (_o, state) =>
        state.storage.sql
          .exec<{ stream_key: string }>("SELECT stream_key FROM stream_state")
          .toArray()
          .map((r) => r.stream_key),
      );
    expect(await savedStreams()).toContain("market_price:FADE");
    await ageEveryFact(shard);
    await runDurableObjectAlarm(shard);
    const saved = await savedStreams();
    expect(saved).not.toContain("market_price:FADE");
    expect(saved).toContain(`market_price:${watched}`);
    // Forgotten in memory too: a fact older than FADE's forgotten latest is applied, not stale.
    const older = priceFacts("FADE", [9], Date.UTC(2025, 0, 1));
    expect((await shard.applyFacts(older)).stale).toBe(0);
  });
});
