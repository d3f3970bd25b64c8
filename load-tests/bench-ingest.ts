/**
 * `npm run bench:ingest`: drives POST /v1/facts of a freshly started local fabric with autocannon
 * (real HTTP, keep-alive connections) using 100-fact JSON batches over 1,000 streams, in two runs:
 * at the target rate of 20,000 facts/s offered (the latency a producer sees at that load), then
 * as fast as CONNECTIONS connections go (the most it accepts; latency there is mostly queueing,
 * connections ÷ throughput). Target on a 2-core machine: >= 20,000 facts/s, p99 < 50 ms.
 * Env: DURATION (s per run, default 20), CONNECTIONS (default 16), RATE (facts/s of the second
 * run, default 20000), BASE (use a running fabric instead).
 */
import { readdirSync, readFileSync } from "node:fs";
import autocannon from "autocannon";
import { reportBench } from "./lib/bench-output";
import { startFabric } from "./lib/local-fabric";

const DURATION = Number(process.env.DURATION ?? 20);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 16);
const FACTS_PER_REQUEST = 100;
const RATE = Number(process.env.RATE ?? 20_000);

/** A fresh batch each request: 100 consecutive symbols of 1,000, event time now (never stale). */
let cursor = 0;
function body(): string {
  const now = Date.now();
  const facts = Array.from({ length: FACTS_PER_REQUEST }, (_, i) => {
    const n = cursor++;
    return {
      kind: "market_price",
      subject: { symbol: `SYM${n % 1000}` },
      observedAt: now + i,
      data: { price: 100 + (n % 37) },
    };
  });
  return JSON.stringify({ facts });
}

// Local trade-off (load-tests/README.md): every Worker shares one workerd process, so more shards
// add RPCs and commits per batch without adding parallelism. SHARDS picks the count for this run.
const SHARDS = process.env.SHARDS ?? "2";
const fabric = await startFabric({
  vars: {
    matcher: { SHARD_COUNT: SHARDS },
    "monitor-runtime": { SHARD_COUNT: SHARDS },
    ingest: { JOURNAL_SHARDS: "2" },
  },
});
try {
  const headers = { authorization: "Bearer dev-producer-token", "content-type": "application/json" };
  // Warm-up: isolates, Durable Objects and the queue consumer get going before measuring.
  const requests = [{ method: "POST" as const, headers, setupRequest: (req: object) => ({ ...req, body: body() }) }];
  await autocannon({ url: `${fabric.base}/v1/facts`, connections: 4, duration: 3, requests });
  // First, open loop at the target rate (before the flat-out run leaves a queue backlog behind):
  // enough connections that the rate holds even when some requests wait, so latency is measured
  // at that load rather than at saturation.
  const paced = await autocannon({
    url: `${fabric.base}/v1/facts`,
    connections: 64,
    overallRate: RATE / FACTS_PER_REQUEST,
    duration: DURATION,
    requests,
  });
  const pacedFactsPerSec = (paced["2xx"] * FACTS_PER_REQUEST) / DURATION;
  const cpu0 = runtimeCpuSeconds(fabric.process?.pid);
  const result = await autocannon({
    url: `${fabric.base}/v1/facts`,
    connections: CONNECTIONS,
    duration: DURATION,
    requests,
  });
  const ok = result["2xx"];
  const factsPerSec = (ok * FACTS_PER_REQUEST) / DURATION;
  // The local runtime's CPU per accepted push (ingest, consumer, shards, journal: every Worker),
  // steadier than throughput on a shared machine and the figure to compare changes by.
  const cpuMsPerPush = ((runtimeCpuSeconds(fabric.process?.pid) - cpu0) * 1000) / Math.max(1, ok);
  reportBench("ingest", {
    title: `POST /v1/facts, ${FACTS_PER_REQUEST}-fact JSON batches: ${RATE.toLocaleString("en-US")} facts/s offered, then ${CONNECTIONS} connections flat out, ${DURATION} s each`,
    rows: [
      { metric: "facts/s accepted", value: Math.round(factsPerSec), target: ">= 20000", ratio: factsPerSec / 20_000 },
      { metric: "requests/s", value: Math.round(ok / DURATION) },
      { metric: "runtime CPU ms per 100-fact push (all Workers)", value: Math.round(cpuMsPerPush * 100) / 100 },
      { metric: "p50 latency (ms)", value: result.latency.p50 },
      {
        metric: "p99 latency (ms)",
        value: result.latency.p99,
        target: "< 50",
        ratio: 50 / Math.max(result.latency.p99, 0.001),
      },
      { metric: "max latency (ms)", value: result.latency.max },
      { metric: `facts/s accepted at ${RATE.toLocaleString("en-US")}/s offered`, value: Math.round(pacedFactsPerSec) },
      { metric: `p50 latency at ${RATE.toLocaleString("en-US")}/s offered (ms)`, value: paced.latency.p50 },
      {
        metric: `p99 latency at ${RATE.toLocaleString("en-US")}/s offered (ms)`,
        value: paced.latency.p99,
        target: "< 50",
        ratio: 50 / Math.max(paced.latency.p99, 0.001),
      },
      { metric: "non-2xx responses", value: result.non2xx + result.errors + paced.non2xx + paced.errors },
    ],
    summary: {
      factsPerSec: Math.round(factsPerSec),
      cpuMsPerPush,
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      pacedFactsPerSec: Math.round(pacedFactsPerSec),
      pacedP50Ms: paced.latency.p50,
      pacedP99Ms: paced.latency.p99,
      non2xx: result.non2xx,
      errors: result.errors,
    },
  });
} finally {
  await fabric.stop();
}

/** CPU seconds (user + system) of every process in the fabric's process group (wrangler, workerd). */
function runtimeCpuSeconds(pgid: number | undefined): number {
  if (pgid === undefined) return 0;
  let ticks = 0;
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      // Fields after the parenthesised command name: state ppid pgrp … utime(14) stime(15).
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(f[2]) === pgid) ticks += Number(f[11]) + Number(f[12]);
    } catch {
      // The process ended between listing and reading.
    }
  }
  return ticks / 100;
}
