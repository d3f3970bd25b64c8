import type { MatcherEnv } from "../../matcher/src/env";
import type { AcceptedFact } from "../../shared/src/facts";
import type { MonitorDefinition } from "../../shared/src/monitor";
import { rng } from "../lib/workload";

/**
 * bench:explain's busy shard: one MatcherShard whose log holds FACTS facts spread over STREAMS
 * streams (each fact's stream drawn at random, as a shard's batches mix them), and explain of a
 * monitor on one of those streams. A shard's log has no per-stream index on purpose; a per-stream
 * read goes through the checkpoint segments, so these figures should follow the stream's size
 * (~FACTS / STREAMS facts), not the log's. Compared with the one-stream shard's figures.
 */
export type Shard = DurableObjectStub<MatcherEnv["SHARDS"] extends DurableObjectNamespace<infer S> ? S : never>;

export type BusyRun = {
  busyFacts: number;
  busyStreams: number;
  busyStreamFacts: number;
  busyStoreSeconds: number;
  busyFirstPageMs: number;
  busyFirstPage1000Ms: number;
  busyFirstPage1000Rows: number;
  busyWholeStreamMs: number;
  busyReadLogMs: number;
  busyReadLogRows: number;
};

const T0 = Date.parse("2026-11-01T00:00:00Z");
const symbol = (i: number) => `B${String(i).padStart(4, "0")}`;

function monitorOn(sym: string): MonitorDefinition {
  const stream = { kind: "market_price" as const, subject: { symbol: sym } };
  return {
    monitorId: "bench-busy",
    version: 1,
    workflowId: "wf",
    ownerUserId: "u",
    linkedPortfolioIds: [],
    enabled: true,
    fire: { mode: "edge", cooldownMs: 600_000, once: false },
    predicate: { stream, field: "price", op: "crosses_above", value: 100, hysteresis: 1 },
  };
}

/** FACTS prices, one a second, each on a random stream (a random walk around 100 per stream), 1,000 a batch. */
async function store(shard: Shard, facts: number, streams: number): Promise<number[]> {
  const random = rng(23);
  const prices = Array.from({ length: streams }, () => 100);
  const counts = Array.from({ length: streams }, () => 0);
  for (let i = 0; i < facts; i += 1000) {
    const batch: AcceptedFact[] = [];
    for (let j = i; j < Math.min(facts, i + 1000); j++) {
      const s = Math.floor(random() * streams);
      const price = Math.max(1, (prices[s] ?? 100) + (random() - 0.5) * 2);
      prices[s] = price;
      counts[s] = (counts[s] ?? 0) + 1;
      batch.push({
        kind: "market_price",
        subject: { symbol: symbol(s) },
        observedAt: T0 + j * 1000,
        data: { price },
        eventId: `01BSY${String(j).padStart(21, "0")}`,
        producerId: "bench",
        receivedAt: 0,
        streamKey: `market_price:${symbol(s)}`,
      });
    }
    await shard.applyFacts(batch);
  }
  return counts;
}

/**
 * Stores the busy log, then explains a monitor on one stream of it: the first page (100 and 1,000
 * rows), the whole stream's replay (the first page of its last hour: every fact of the stream is
 * replayed to reach it), and one chunk of the stream read as another shard pulls it (`readLog`).
 */
export async function measureBusyShard(shard: Shard, facts: number, streams: number): Promise<BusyRun> {
  const t0 = performance.now();
  const counts = await store(shard, facts, streams);
  const busyStoreSeconds = (performance.now() - t0) / 1000;
  const target = Math.floor(streams / 2);
  const key = `market_price:${symbol(target)}`;
  const def = monitorOn(symbol(target));
  const timed = async <T>(fn: () => Promise<T>) => {
    const started = performance.now();
    const out = await fn();
    return { ms: performance.now() - started, out };
  };
  const explain = async (range: Parameters<Shard["explain"]>[2]) => {
    const out = await shard.explain(def, [key], range);
    if (!("page" in out)) throw new Error(out.badCursor);
    return out.page.rows.length;
  };
  const first = await timed(() => explain({ limit: 100 }));
  const first1000 = await timed(() => explain({ limit: 1000 }));
  const end = T0 + (facts - 1) * 1000;
  const whole = await timed(() => explain({ from: end - 3_600_000, limit: 100 }));
  const chunk = await timed(() => shard.readLog([key], 0, 2000));
  return {
    busyFacts: facts,
    busyStreams: streams,
    busyStreamFacts: counts[target] ?? 0,
    busyStoreSeconds,
    busyFirstPageMs: first.ms,
    busyFirstPage1000Ms: first1000.ms,
    busyFirstPage1000Rows: first1000.out,
    busyWholeStreamMs: whole.ms,
    busyReadLogMs: chunk.ms,
    busyReadLogRows: chunk.out.length,
  };
}
