/**
 * `npm run bench:shard`: one MatcherShard Durable Object in workerd (the Workers vitest pool) with
 * 100,000 monitors, fed 100-fact batches through its RPC, SQLite persistence included: facts/s
 * per shard. Target: >= 50,000 facts/s. Env: SHARD_BENCH_MONITORS, SHARD_BENCH_BATCHES. The
 * workerd project is load-tests/vitest.bench.config.ts (workerd/shard-bench.test.ts).
 */
import { reportBench } from "./lib/bench-output";
import { countKnob, readKnobs } from "./lib/knobs";
import { runWorkerdBench } from "./lib/workerd-bench";

// Read here, before workerd starts: vitest.bench.config.ts passes them on as bindings.
readKnobs(() => [countKnob("SHARD_BENCH_MONITORS", 100_000), countKnob("SHARD_BENCH_BATCHES", 400)]);

const r = runWorkerdBench<{
  monitors: number;
  loadSeconds: number;
  facts: number;
  seconds: number;
  factsPerSec: number;
  matchesPerFact: number;
  msPerBatch: number;
}>("shard-bench");
reportBench("shard", {
  title: `one MatcherShard in workerd, ${r.monitors.toLocaleString("en-US")} monitors, 100-fact batches over RPC with SQLite persistence`,
  rows: [
    {
      metric: "facts/s per shard",
      value: Math.round(r.factsPerSec),
      target: ">= 50000",
      ratio: r.factsPerSec / 50_000,
    },
    { metric: "ms per 100-fact batch", value: Number(r.msPerBatch.toFixed(2)) },
    { metric: "matches per fact", value: Number(r.matchesPerFact.toFixed(4)) },
    { metric: "facts measured", value: r.facts },
    { metric: "monitor load (s, bulk RPC)", value: Number(r.loadSeconds.toFixed(1)) },
  ],
  summary: { factsPerSec: Math.round(r.factsPerSec), monitors: r.monitors, msPerBatch: r.msPerBatch },
});
