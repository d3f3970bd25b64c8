/**
 * `npm run bench:ingest`: drives POST /v1/facts of a freshly started local fabric with autocannon
 * (real HTTP, keep-alive connections) using 100-fact JSON batches over 1,000 streams, and reports
 * facts/s accepted and latency percentiles. Target on a 2-core machine: >= 20,000 facts/s, p99 < 50 ms.
 * Env: DURATION (s, default 20), CONNECTIONS (default 16), BASE (use a running fabric instead).
 */
import autocannon from "autocannon";
import { reportBench } from "./lib/bench-output";
import { startFabric } from "./lib/local-fabric";

const DURATION = Number(process.env.DURATION ?? 20);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 16);
const FACTS_PER_REQUEST = 100;

function body(seed: number): string {
  const facts = Array.from({ length: FACTS_PER_REQUEST }, (_, i) => {
    const n = seed * FACTS_PER_REQUEST + i;
    return {
      kind: "market_price",
      subject: { symbol: `SYM${n % 1000}` },
      observedAt: 1_790_000_000_000 + n,
      data: { price: 100 + (n % 37) },
    };
  });
  return JSON.stringify({ facts });
}

const fabric = await startFabric();
try {
  const headers = { authorization: "Bearer dev-producer-token", "content-type": "application/json" };
  // Warm-up: isolates, Durable Objects and the queue consumer get going before measuring.
  await autocannon({
    url: `${fabric.base}/v1/facts`,
    method: "POST",
    headers,
    body: body(0),
    connections: 4,
    duration: 3,
  });
  const bodies = Array.from({ length: 64 }, (_, i) => body(i + 1));
  let k = 0;
  const result = await autocannon({
    url: `${fabric.base}/v1/facts`,
    connections: CONNECTIONS,
    duration: DURATION,
    requests: [{ method: "POST", headers, setupRequest: (req) => ({ ...req, body: bodies[k++ % bodies.length] }) }],
  });
  const ok = result["2xx"];
  const factsPerSec = (ok * FACTS_PER_REQUEST) / DURATION;
  reportBench("ingest", {
    title: `POST /v1/facts, ${FACTS_PER_REQUEST}-fact JSON batches, ${CONNECTIONS} connections, ${DURATION} s`,
    rows: [
      { metric: "facts/s accepted", value: Math.round(factsPerSec), target: ">= 20000", ratio: factsPerSec / 20_000 },
      { metric: "requests/s", value: Math.round(ok / DURATION) },
      { metric: "p50 latency (ms)", value: result.latency.p50 },
      {
        metric: "p99 latency (ms)",
        value: result.latency.p99,
        target: "< 50",
        ratio: 50 / Math.max(result.latency.p99, 0.001),
      },
      { metric: "max latency (ms)", value: result.latency.max },
      { metric: "non-2xx responses", value: result.non2xx + result.errors },
    ],
    summary: {
      factsPerSec: Math.round(factsPerSec),
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      non2xx: result.non2xx,
      errors: result.errors,
    },
  });
} finally {
  await fabric.stop();
}
