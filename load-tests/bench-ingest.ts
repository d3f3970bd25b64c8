/**
 * `npm run bench:ingest`: drives POST /v1/facts of a freshly started local fabric with 100-fact
 * JSON batches over 1,000 streams, twice:
 * - open loop at the target rate (RATE facts/s, default 20,000: one push every 5 ms, latency
 *   counted from when each push was due, load-tests/lib/open-loop.ts): the latency a producer
 *   sees at that load;
 * - closed loop with autocannon, CONNECTIONS connections flat out: the most the fabric accepts
 *   (latency there is mostly queueing, connections ÷ throughput).
 * The same open loop first runs against a floor Worker under the same wrangler dev (read the
 * body, one sendBatch, 202: load-tests/floor-worker), printed as the baseline: what the local
 * runtime alone costs. Target on a 2-core machine: >= 20,000 facts/s, p99 < 50 ms.
 * Beside the raw open loop, the same open loop through the client library (client/: 64
 * FabricClients, pushes round-robin, each client keeping its own pushes in order), over node:http
 * as the raw run, then over Node's global fetch, prints facts/s, latency and this process's CPU
 * per push: the client's overhead per 100-fact push against the raw run's CPU per push (runtime +
 * generator; target < 10 %).
 * Env: DURATION (s per run, default 20), CONNECTIONS (default 16), RATE, SHARDS, BASE (use a
 * running fabric instead), FLOOR=0 (skip the floor).
 */
import autocannon from "autocannon";
import type { FetchLike } from "../client/src/index";
import type { FactInput } from "../shared/src/facts";
import { reportBench } from "./lib/bench-output";
import { clientLoop, clientOverheadPct, clientRows } from "./lib/ingest-client-run";
import { countKnob, flagKnob, numberKnob, readKnobs } from "./lib/knobs";
import { type Fabric, startFabric, startFloor } from "./lib/local-fabric";
import { nodeHttpFetch } from "./lib/node-http-fetch";
import { type OpenLoopResult, openLoop, percentile } from "./lib/open-loop";
import { runtimeCpuSeconds } from "./lib/runtime-cpu";
import { shardTotals } from "./lib/shard-totals";

const { DURATION, CONNECTIONS, RATE, SHARDS, FLOOR, NOKEYS } = readKnobs(() => ({
  DURATION: numberKnob("DURATION", 20),
  CONNECTIONS: countKnob("CONNECTIONS", 16),
  RATE: countKnob("RATE", 20_000),
  SHARDS: countKnob("SHARDS", 2),
  FLOOR: flagKnob("FLOOR", true),
  NOKEYS: flagKnob("NOKEYS", false),
}));
const FACTS_PER_REQUEST = 100;

/**
 * A fresh batch each request: 100 consecutive symbols of 1,000, event time now (never stale), each
 * fact with its own dedupeKey as the README asks producers to send (so the dedupe ledger's work is
 * in the figures); the run's prefix keeps keys new against a reused fabric (BASE).
 */
const RUN = Date.now().toString(36);
let cursor = 0;
function batch(): FactInput[] {
  const now = Date.now();
  return Array.from({ length: FACTS_PER_REQUEST }, (_, i) => {
    const n = cursor++;
    return {
      kind: "market_price",
      subject: { symbol: `SYM${n % 1000}` },
      observedAt: now + i,
      ...(NOKEYS ? {} : { dedupeKey: `bench-${RUN}:${n}` }),
      data: { price: 100 + (n % 37) },
    };
  });
}
const body = () => JSON.stringify({ facts: batch() });

const headers = { authorization: "Bearer dev-producer-token", "content-type": "application/json" };

/**
 * Warm-up at the target rate (isolates, Durable Objects, the queue consumer), then, once the
 * fabric has caught up with the warm-up's facts, the open loop at RATE. A flat-out warm-up left a
 * backlog that the first seconds of the measured run paid for.
 */
async function atTargetRate(
  fabric: Fabric,
  loop: (seconds: number) => Promise<OpenLoopResult>,
  caughtUp: (accepted: number) => Promise<unknown>,
) {
  const warm = await loop(3);
  await caughtUp(warm.ok * FACTS_PER_REQUEST);
  const cpu0 = runtimeCpuSeconds(fabric.process?.pid);
  const own0 = process.cpuUsage();
  const r = await loop(DURATION);
  const own = process.cpuUsage(own0);
  return {
    accepted: (warm.ok + r.ok) * FACTS_PER_REQUEST,
    factsPerSec: (r.ok * FACTS_PER_REQUEST) / DURATION,
    cpuMsPerPush: ((runtimeCpuSeconds(fabric.process?.pid) - cpu0) * 1000) / Math.max(1, r.ok),
    // This process: building the batches and sending them (raw HTTP, or the client's whole path).
    generatorCpuMsPerPush: (own.user + own.system) / 1000 / Math.max(1, r.ok),
    p50: Math.round(percentile(r.latenciesMs, 0.5)),
    p99: Math.round(percentile(r.latenciesMs, 0.99)),
    failed: r.failed,
  };
}

const rawLoop = (url: string) => (seconds: number) =>
  openLoop({ url, rate: RATE / FACTS_PER_REQUEST, seconds, headers, body });

let floor: Awaited<ReturnType<typeof atTargetRate>> | undefined;
if (FLOOR && !process.env.BASE) {
  const f = await startFloor();
  try {
    // The floor's consumer only acks: a second is plenty for it to drain the warm-up.
    floor = await atTargetRate(f, rawLoop(`${f.base}/`), () => new Promise((r) => setTimeout(r, 1000)));
  } finally {
    await f.stop();
  }
}

// Local trade-off (load-tests/README.md): every Worker shares one workerd process, so more shards
// add RPCs and commits per batch without adding parallelism. SHARDS picks the count for this run.
const fabric = await startFabric({
  vars: {
    matcher: { SHARD_COUNT: String(SHARDS) },
    "monitor-runtime": { SHARD_COUNT: String(SHARDS) },
    ingest: { JOURNAL_SHARDS: "2" },
  },
});
try {
  const appliedAtStart = await factsApplied(fabric);
  const paced = await atTargetRate(fabric, rawLoop(`${fabric.base}/v1/facts`), (n) =>
    catchUp(fabric, appliedAtStart + n),
  );
  // The client run starts once the raw run's facts are applied, like the raw run did after its warm-up.
  const appliedBeforeClient = await catchUp(fabric, appliedAtStart + paced.accepted);
  // As many clients as the raw loop has sockets (64), over the raw loop's socket layer, then over
  // Node's global fetch (the default).
  const http = nodeHttpFetch(64);
  const clientRun = async (fetch: FetchLike | undefined, from: number) => {
    const o = { clients: 64, rate: RATE / FACTS_PER_REQUEST, batch, ...(fetch ? { fetch } : {}) };
    const run = await atTargetRate(fabric, clientLoop(fabric.base, o), (n) => catchUp(fabric, from + n));
    return { run, applied: await catchUp(fabric, from + run.accepted) };
  };
  const { run: viaClient, applied: appliedAfterClient } = await clientRun(http, appliedBeforeClient);
  http.close();
  const { run: viaFetch } = await clientRun(undefined, appliedAfterClient);
  const appliedBefore = await factsApplied(fabric);
  const cpu0 = runtimeCpuSeconds(fabric.process?.pid);
  const result = await autocannon({
    url: `${fabric.base}/v1/facts`,
    connections: CONNECTIONS,
    duration: DURATION,
    requests: [{ method: "POST", headers, setupRequest: (req: object) => ({ ...req, body: body() }) }],
  });
  const ok = result["2xx"];
  const factsPerSec = (ok * FACTS_PER_REQUEST) / DURATION;
  // The local runtime's CPU per accepted push (ingest, consumer, shards, journal: every Worker),
  // steadier than throughput on a shared machine and the figure to compare changes by.
  const cpuMsPerPush = ((runtimeCpuSeconds(fabric.process?.pid) - cpu0) * 1000) / Math.max(1, ok);
  // Accepting is not matching: the 202 comes once the facts are queued. How long the shards then
  // take to catch up shows whether the flat-out rate is sustained end to end or only buffered.
  const drainStart = performance.now();
  const appliedAfter = await catchUp(fabric, appliedBefore + ok * FACTS_PER_REQUEST);
  const drainSeconds = (performance.now() - drainStart) / 1000;
  const endToEndFactsPerSec = (appliedAfter - appliedBefore) / (DURATION + drainSeconds);
  const rate = RATE.toLocaleString("en-US");
  reportBench("ingest", {
    title: `POST /v1/facts, ${FACTS_PER_REQUEST}-fact JSON batches: open loop at ${rate} facts/s (baseline: a floor Worker that only parses and enqueues, same runtime), then ${CONNECTIONS} connections flat out, ${DURATION} s each`,
    rows: [
      {
        metric: `facts/s accepted at ${rate}/s offered`,
        value: Math.round(paced.factsPerSec),
        baseline: floor && Math.round(floor.factsPerSec),
      },
      { metric: `p50 latency at ${rate}/s offered (ms)`, value: paced.p50, baseline: floor?.p50 },
      {
        metric: `p99 latency at ${rate}/s offered (ms)`,
        value: paced.p99,
        baseline: floor?.p99,
        target: "< 50",
        ratio: 50 / Math.max(paced.p99, 0.001),
      },
      {
        metric: `runtime CPU ms per push at ${rate}/s (all processes)`,
        value: Math.round(paced.cpuMsPerPush * 100) / 100,
        baseline: floor && Math.round(floor.cpuMsPerPush * 100) / 100,
      },
      ...clientRows(paced, viaClient, viaFetch, rate),
      {
        metric: "facts/s accepted flat out",
        value: Math.round(factsPerSec),
        target: ">= 20000",
        ratio: factsPerSec / 20_000,
      },
      { metric: "requests/s flat out", value: Math.round(ok / DURATION) },
      { metric: "shards' catch-up after the flat-out run (s)", value: Number(drainSeconds.toFixed(1)) },
      { metric: "facts/s matched end to end flat out (incl. catch-up)", value: Math.round(endToEndFactsPerSec) },
      { metric: "runtime CPU ms per push flat out", value: Math.round(cpuMsPerPush * 100) / 100 },
      { metric: "p50 latency flat out (ms)", value: result.latency.p50 },
      { metric: "p99 latency flat out (ms)", value: result.latency.p99 },
      { metric: "max latency flat out (ms)", value: result.latency.max },
      {
        metric: "non-2xx responses",
        value: result.non2xx + result.errors + paced.failed + viaClient.failed + viaFetch.failed,
      },
    ],
    summary: {
      factsPerSec: Math.round(factsPerSec),
      cpuMsPerPush,
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      pacedFactsPerSec: Math.round(paced.factsPerSec),
      pacedP50Ms: paced.p50,
      pacedP99Ms: paced.p99,
      pacedCpuMsPerPush: paced.cpuMsPerPush,
      drainSeconds,
      endToEndFactsPerSec: Math.round(endToEndFactsPerSec),
      floor,
      client: { ...viaClient, overheadPctOfRawPushCpu: clientOverheadPct(paced, viaClient) },
      clientViaGlobalFetch: { ...viaFetch, overheadPctOfRawPushCpu: clientOverheadPct(paced, viaFetch) },
      rawGeneratorCpuMsPerPush: paced.generatorCpuMsPerPush,
      non2xx: result.non2xx,
      errors: result.errors,
    },
  });
} finally {
  await fabric.stop();
}

/** Facts the shards have logged so far (applied, stale or dropped as repeats). */
async function factsApplied(fabric: Fabric): Promise<number> {
  const t = await shardTotals(fabric.base);
  return t.factsApplied + t.factsStale + t.duplicates;
}

/** Waits (up to 2 minutes) until the shards have logged `target` facts; returns how many they have. */
async function catchUp(fabric: Fabric, target: number): Promise<number> {
  const started = performance.now();
  let applied = await factsApplied(fabric);
  while (applied < target && performance.now() - started < 120_000) {
    await new Promise((r) => setTimeout(r, 250));
    applied = await factsApplied(fabric);
  }
  return applied;
}
