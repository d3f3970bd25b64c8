/**
 * `npm run bench:shard`: one MatcherShard Durable Object in workerd (the Workers vitest pool) with
 * 100,000 monitors, fed 100-fact batches through its RPC, SQLite persistence included: facts/s
 * per shard. Target: >= 50,000 facts/s. Env: SHARD_BENCH_MONITORS, SHARD_BENCH_BATCHES. The
 * workerd project is load-tests/vitest.bench.config.ts (workerd/shard-bench.test.ts).
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { reportBench } from "./lib/bench-output";

const run = spawnSync(
  "npx",
  ["vitest", "run", "--config", join(import.meta.dirname, "vitest.bench.config.ts"), "shard-bench"],
  {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  },
);
const line = `${run.stdout}\n${run.stderr}`.split("\n").find((l) => l.includes("BENCH {"));
if (!line) {
  console.error(run.stdout.slice(-4000), run.stderr.slice(-4000));
  throw new Error("the shard bench printed no result");
}
const r = JSON.parse(line.slice(line.indexOf("{"))) as {
  monitors: number;
  loadSeconds: number;
  facts: number;
  seconds: number;
  factsPerSec: number;
  matchesPerFact: number;
  msPerBatch: number;
};
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
