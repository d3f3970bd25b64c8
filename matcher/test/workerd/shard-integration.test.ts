import {
  abortAllDurableObjects,
  createExecutionContext,
  createMessageBatch,
  getQueueResult,
  runDurableObjectAlarm,
  runInDurableObject,
} from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { referenceEvaluate } from "../../src/engine/reference";
import worker from "../../src/index";
import type { ShardCore } from "../../src/shard/shard-core";
import {
  clearNotify,
  crossingMonitor,
  factsMessage,
  menv,
  notifyCalls,
  priceFacts,
  setNotifyStatus,
  shardFor,
} from "./helpers";

type Stats = Record<string, number | null>;
/** Shards are shared by the tests of this file (symbols may hash to one shard): compare counter deltas. */
async function counting(shard: { stats(): Promise<Stats> }) {
  const before = await shard.stats();
  return async () => {
    const after = await shard.stats();
    const d: Record<string, number> = {};
    for (const k of ["factsApplied", "matches", "duplicates", "factLogSize"]) d[k] = (after[k] ?? 0) - (before[k] ?? 0);
    return { ...d, outboxBacklog: after.outboxBacklog ?? 0 };
  };
}

async function deliver(messages: Uint8Array[], id = crypto.randomUUID()) {
  const batch = createMessageBatch(
    "facts",
    messages.map((body, i) => ({ id: `${id}-${i}`, timestamp: new Date(), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, menv);
  return getQueueResult(batch, ctx);
}

describe("facts consumer → MatcherShard → outbox → notify-trigger-match", () => {
  beforeEach(clearNotify);

  it("matches a crossing, records it in the outbox, and delivers it to notify-trigger-match", async () => {
    const shard = shardFor("AAA");
    await shard.upsertMonitor(crossingMonitor("m1", "AAA", 100));
    const delta = await counting(shard);
    const facts = priceFacts("AAA", [90, 110, 95, 120]);
    const result = await deliver([factsMessage(facts)]);
    expect(result.explicitAcks.length).toBe(1);
    expect(await delta()).toMatchObject({ factsApplied: 4, matches: 2 });
    // Delivery starts right after the batch; the alarm is the backstop.
    for (let i = 0; i < 50 && ((await shard.stats()).outboxBacklog ?? 0) > 0; i++) await runDurableObjectAlarm(shard);
    const calls = (await notifyCalls()).filter((c) => c.body.workflowId === "wf-m1");
    expect(calls.map((c) => c.body.matchId)).toEqual([`m1~1~${facts[1]?.eventId}`, `m1~1~${facts[3]?.eventId}`]);
    expect(await shard.stats()).toMatchObject({ outboxBacklog: 0 });
  });

  it("never yields a second match when the same batch is redelivered", async () => {
    const shard = shardFor("BBB");
    await shard.upsertMonitor(crossingMonitor("m2", "BBB", 100));
    const delta = await counting(shard);
    const message = factsMessage(priceFacts("BBB", [90, 110]));
    await deliver([message]);
    await deliver([message]);
    await deliver([message]);
    expect(await delta()).toMatchObject({ factsApplied: 2, matches: 1, duplicates: 4 });
  });

  it("retries delivery with backoff while notify answers 500, then delivers once", async () => {
    const shard = shardFor("CCC");
    await shard.upsertMonitor(crossingMonitor("m3", "CCC", 100));
    await setNotifyStatus(500);
    await deliver([factsMessage(priceFacts("CCC", [90, 110]))]);
    await runDurableObjectAlarm(shard);
    expect(await shard.stats()).toMatchObject({ outboxBacklog: 1 });
    await setNotifyStatus(202);
    // The retry is scheduled in the future; running the alarm early must not deliver twice either.
    for (let i = 0; i < 30 && ((await shard.stats()).outboxBacklog ?? 0) > 0; i++) {
      await new Promise((r) => setTimeout(r, 200));
      await runDurableObjectAlarm(shard);
    }
    expect(await shard.stats()).toMatchObject({ outboxBacklog: 0 });
    const delivered = (await notifyCalls()).filter((c) => c.body.workflowId === "wf-m3");
    expect(delivered.length).toBeGreaterThanOrEqual(2);
    expect(new Set(delivered.map((c) => c.body.matchId)).size).toBe(1);
  });

  it("rolls a whole batch back when the shard fails mid-batch, and a retry matches as if nothing happened", async () => {
    const shard = shardFor("DDD");
    await shard.upsertMonitor(crossingMonitor("m4", "DDD", 100));
    const delta = await counting(shard);
    const facts = priceFacts("DDD", [90, 110, 95, 120]);
    const broken = [
      ...facts.slice(0, 2),
      { ...facts[2], observedAt: undefined } as unknown as (typeof facts)[number],
      ...facts.slice(3),
    ];
    const failure = await shard.applyFacts(broken).then(
      () => null,
      (err: unknown) => err,
    );
    expect(String(failure)).toMatch(/observed_at/);
    expect(await delta()).toMatchObject({ factLogSize: 0, matches: 0 });
    await shard.applyFacts(facts);
    expect(await delta()).toMatchObject({ factsApplied: 4, matches: 2 });
  });

  it("restores its engine from storage after a restart and goes on matching the same", async () => {
    const shard = shardFor("EEE");
    await shard.upsertMonitor(crossingMonitor("m5", "EEE", 100));
    const delta = await counting({ stats: () => shardFor("EEE").stats() });
    const facts = priceFacts("EEE", [90, 110, 95, 99, 120]);
    await shard.applyFacts(facts.slice(0, 3));
    await runDurableObjectAlarm(shard);
    // The monitor change saved the engine; these 3 facts live only in the fact log.
    expect((await shard.stats()).factsSinceCheckpoint).toBe(3);
    await abortAllDurableObjects();
    // A fresh stub: the restarted object rebuilds its engine from SQLite on first use.
    await shardFor("EEE").applyFacts(facts.slice(3));
    expect(await delta()).toMatchObject({ factsApplied: 5, matches: 2 });
  });

  it("saves its engine state every CHECKPOINT_FACTS facts and replays only the facts since after a restart", async () => {
    const shard = shardFor("GGG");
    await shard.upsertMonitor(crossingMonitor("m7", "GGG", 100));
    expect((await shard.stats()).factsSinceCheckpoint).toBe(0);
    const delta = await counting({ stats: () => shardFor("GGG").stats() });
    const facts = priceFacts("GGG", [90, 110, 90, 110, 90, 110, 90, 110]);
    await shard.applyFacts(facts.slice(0, 4));
    expect((await shard.stats()).factsSinceCheckpoint).toBe(4);
    await shard.applyFacts(facts.slice(4, 6)); // 6 ≥ 5: saved
    expect((await shard.stats()).factsSinceCheckpoint).toBe(0);
    await shard.applyFacts(facts.slice(6, 7));
    await abortAllDurableObjects();
    // Restored from the checkpoint after fact 6, then fact 7 replayed: 90 → 110 crosses once more.
    await shardFor("GGG").applyFacts(facts.slice(7));
    expect(await delta()).toMatchObject({ factsApplied: 8, matches: 4 });
  });

  it("finds a stream's facts in its checkpoint segments and after the last checkpoint, across a restart", async () => {
    const shard = shardFor("HHH");
    const own = priceFacts("HHH", [1, 2, 3, 4, 5, 6, 7]);
    const other = priceFacts("HHI", [9, 9, 9, 9, 9, 9, 9]);
    const mixed = own.flatMap((f, i) => [f, other[i] as (typeof other)[number]]);
    await shard.applyFacts(mixed.slice(0, 6)); // 6 ≥ 5: a checkpoint segments them
    await shard.applyFacts(mixed.slice(6, 10)); // 4 after it
    const ids = own.slice(0, 5).map((f) => f.eventId);
    expect((await shard.exportFacts(["market_price:HHH"])).map((f) => f.eventId)).toEqual(ids);
    await abortAllDurableObjects();
    const again = shardFor("HHH");
    await again.applyFacts(mixed.slice(10));
    expect((await again.exportFacts(["market_price:HHH"])).map((f) => f.eventId)).toEqual(own.map((f) => f.eventId));
  });

  it("a restarted shard loads a change window's history from its log and matches as the reference", async () => {
    const symbol = "MMM";
    const def = {
      ...crossingMonitor("m8", symbol, 0),
      predicate: {
        stream: { kind: "market_price" as const, subject: { symbol } },
        field: "price",
        op: "crosses_above" as const,
        value: 2.5,
        change: { windowMs: 180_000, mode: "abs" as const },
      },
    };
    // One fact a minute: right after the restart, the 3-minute change needs samples that only the
    // checkpointed log holds (the engine's memory is gone).
    const facts = priceFacts(symbol, [100, 100, 100, 100, 100, 100, 104, 100, 104]);
    await shardFor(symbol).upsertMonitor(def);
    const delta = await counting({ stats: () => shardFor(symbol).stats() });
    await shardFor(symbol).applyFacts(facts.slice(0, 6)); // 6 ≥ CHECKPOINT_FACTS: checkpointed
    await abortAllDurableObjects();
    await shardFor(symbol).applyFacts(facts.slice(6));
    const expected = referenceEvaluate([
      { type: "upsert", def },
      ...facts.map((fact) => ({ type: "fact" as const, fact })),
    ]);
    expect(expected.map((m) => m.eventId)).toEqual([facts[6]?.eventId, facts[8]?.eventId]);
    expect(await delta()).toMatchObject({ factsApplied: facts.length, matches: 2 });
  });

  it("segments each checkpoint from the seqs it noted while logging: every logged fact once, in its stream, even after a transaction that failed after logging", async () => {
    const shard = shardFor("NNN");
    const own = priceFacts(
      "NNN",
      Array.from({ length: 12 }, (_, i) => i + 1),
    );
    const other = priceFacts(
      "NNO",
      Array.from({ length: 12 }, () => 9),
    );
    const mixed = own.flatMap((f, i) => [f, other[i] as (typeof other)[number]]);
    await shard.applyFacts(mixed.slice(0, 6)); // a checkpoint: from here on the store notes seqs
    await shard.applyFacts(mixed.slice(6, 8));
    // A transaction that logs facts and then fails: SQLite rolls the rows (and their seqs) back,
    // so the seqs noted for them must go too, or the next checkpoint would segment seqs reused
    // by other facts.
    await runInDurableObject(shard, (instance) => {
      const core = (instance as unknown as { shard(): ShardCore }).shard();
      expect(() =>
        core.atomically("when-due", () => {
          core.storage.facts.append(
            mixed.slice(8, 12).map((fact) => ({ fact, stale: false })),
            0,
          );
          throw new Error("failed after logging");
        }),
      ).toThrow("failed after logging");
    });
    await shard.applyFacts(mixed.slice(8, 15)); // checkpoint
    await shard.applyFacts(mixed.slice(15, 22)); // checkpoint
    const { segmented, logged } = await runInDurableObject(shard, (_instance, state) => {
      const sql = state.storage.sql;
      const keys = JSON.stringify(["market_price:NNN", "market_price:NNO"]);
      const at = sql.exec<{ seq: number }>("SELECT seq FROM checkpoint WHERE id = 0").one().seq;
      const segmented: Record<string, number[]> = {};
      for (const row of sql.exec<{ stream_key: string; seqs: string }>(
        "SELECT stream_key, seqs FROM stream_segments WHERE stream_key IN (SELECT value FROM json_each(?)) ORDER BY first_seq",
        keys,
      ))
        segmented[row.stream_key] = [...(segmented[row.stream_key] ?? []), ...(JSON.parse(row.seqs) as number[])];
      const logged: Record<string, number[]> = {};
      for (const row of sql.exec<{ stream_key: string; seq: number }>(
        "SELECT stream_key, seq FROM facts WHERE seq <= ? AND stream_key IN (SELECT value FROM json_each(?)) ORDER BY seq",
        at,
        keys,
      ))
        logged[row.stream_key] = [...(logged[row.stream_key] ?? []), row.seq];
      return { segmented, logged };
    });
    expect(logged["market_price:NNN"]).toHaveLength(11);
    expect(segmented).toEqual(logged);
    expect((await shard.exportFacts(["market_price:NNN"])).map((f) => f.eventId)).toEqual(
      own.slice(0, 11).map((f) => f.eventId),
    );
  });

  it("segments the log of a shard written before segments existed (per-stream index) and drops the index", async () => {
    const shard = shardFor("KKK");
    const facts = priceFacts("KKK", [1, 2, 3]);
    await shard.applyFacts(facts);
    // Make it look like the old layout: a per-stream index, no segments, no checkpoint row.
    await runInDurableObject(shard, (_instance, state) => {
      state.storage.sql.exec("CREATE INDEX facts_stream ON facts (stream_key, seq)");
      state.storage.sql.exec("DELETE FROM stream_segments");
      state.storage.sql.exec("DELETE FROM checkpoint");
    });
    await abortAllDurableObjects();
    const again = shardFor("KKK");
    expect((await again.exportFacts(["market_price:KKK"])).map((f) => f.eventId)).toEqual(facts.map((f) => f.eventId));
    const indexes = await runInDurableObject(again, (_instance, state) =>
      state.storage.sql.exec("SELECT name FROM sqlite_master WHERE name = 'facts_stream'").toArray(),
    );
    expect(indexes).toEqual([]);
  });

  it("dead-letters an undecodable message with its reason without holding back the good one", async () => {
    const shard = shardFor("FFF");
    await shard.upsertMonitor(crossingMonitor("m6", "FFF", 100));
    const delta = await counting(shard);
    const result = await deliver([new Uint8Array([0xc1, 0xff, 0x00]), factsMessage(priceFacts("FFF", [90, 110]))]);
    expect(result.explicitAcks.length).toBe(2);
    expect(await delta()).toMatchObject({ matches: 1 });
    let rows: { reason: string }[] = [];
    for (let i = 0; i < 50 && rows.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      rows = (
        await menv.DB.prepare("SELECT reason FROM dead_letters WHERE source_queue = 'facts'").all<{ reason: string }>()
      ).results;
    }
    expect(rows[0]?.reason).toMatch(/undecodable|not a v1/);
  });
});
