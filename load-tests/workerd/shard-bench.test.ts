import { env } from "cloudflare:workers";
import { it } from "vitest";
import type { MatcherEnv } from "../../matcher/src/env";
import type { AcceptedFact } from "../../shared/src/facts";
import type { MonitorDefinition } from "../../shared/src/monitor";
import { factStreamKey } from "../../shared/src/streams";
import { rng } from "../lib/workload";

/**
 * bench:shard, inside workerd: one MatcherShard Durable Object with 100,000 monitors, fed 100-fact
 * batches through its RPC (applyFacts: fact log and outbox in one SQLite transaction per batch,
 * the engine state at each checkpoint). Prints one `BENCH {json}` line that load-tests/bench-shard.ts reports.
 */
const MONITORS = Number(process.env.SHARD_BENCH_MONITORS ?? 100_000);
const STREAMS = 1000;
const BATCHES = Number(process.env.SHARD_BENCH_BATCHES ?? 400);

it("measures one shard's facts/s at 100,000 monitors", async () => {
  const shard = (env as unknown as MatcherEnv).SHARDS.get((env as unknown as MatcherEnv).SHARDS.idFromName("bench"));
  const random = rng(11);
  const level = (s: number) => 100 + (s % 50);
  const defs: MonitorDefinition[] = Array.from({ length: MONITORS }, (_, i) => {
    const s = i % STREAMS;
    // Price alerts: crossings (level monitors would all fire at their first evaluation).
    const op = i % 2 === 0 ? "crosses_above" : "crosses_below";
    return {
      monitorId: `b${i}`,
      version: 1,
      workflowId: `wf${i}`,
      ownerUserId: `u${i % 1000}`,
      linkedPortfolioIds: [`p${i % 500}`],
      enabled: true,
      fire: { mode: "edge", cooldownMs: 0, once: false },
      predicate: {
        stream: { kind: "market_price", subject: { symbol: `S${s}` } },
        field: "price",
        op,
        value: level(s) + (random() - 0.5) * 400,
      },
    };
  });
  const t0 = performance.now();
  for (let i = 0; i < defs.length; i += 2000) await shard.upsertMonitors(defs.slice(i, i + 2000));
  const loadSeconds = (performance.now() - t0) / 1000;

  const price = Array.from({ length: STREAMS }, (_, s) => level(s));
  let seq = 0;
  const batch = (): AcceptedFact[] =>
    Array.from({ length: 100 }, () => {
      const s = seq % STREAMS;
      price[s] = Math.max(1, (price[s] ?? 100) + (random() - 0.5) * 0.4);
      const f = {
        kind: "market_price" as const,
        subject: { symbol: `S${s}` },
        observedAt: 1_800_000_000_000 + seq,
        data: { price: price[s] ?? 100 },
      };
      seq++;
      return {
        ...f,
        eventId: `01BENCH${String(seq).padStart(19, "0")}`,
        producerId: "bench",
        receivedAt: 0,
        streamKey: factStreamKey(f),
      };
    });
  // Warm-up past two checkpoints: the first one after the load saves every monitor's first
  // evaluation (a one-time cost of loading 100,000 monitors), not the steady state measured here.
  for (let i = 0; i < 210; i++) await shard.applyFacts(batch());
  let matches = 0;
  const t1 = performance.now();
  for (let i = 0; i < BATCHES; i++) matches += (await shard.applyFacts(batch())).matches;
  const seconds = (performance.now() - t1) / 1000;
  const facts = BATCHES * 100;
  console.log(
    `BENCH ${JSON.stringify({ monitors: MONITORS, loadSeconds, facts, seconds, factsPerSec: facts / seconds, matchesPerFact: matches / facts, msPerBatch: (seconds * 1000) / BATCHES })}`,
  );
}, 600_000);
