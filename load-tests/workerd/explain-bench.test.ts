import { env } from "cloudflare:workers";
import { it } from "vitest";
import type { MatcherEnv } from "../../matcher/src/env";
import type { ExplainPage } from "../../shared/src/contract/explain";
import type { AcceptedFact } from "../../shared/src/facts";
import type { MonitorDefinition } from "../../shared/src/monitor";
import { rng } from "../lib/workload";

/**
 * bench:explain, inside workerd: one MatcherShard Durable Object holding FACTS (default 1,000,000)
 * facts of one stream in its SQLite log (stored through applyFacts, 1,000 a batch), then explain
 * through its RPC as the route calls it: the first page of the whole log, the first page of the
 * log's last hour (a replay of the whole log), and every page of a range of RANGE facts by cursor.
 * Prints one `BENCH {json}` line that load-tests/bench-explain.ts reports.
 */
const FACTS = Number(process.env.EXPLAIN_BENCH_FACTS ?? 1_000_000);
const RANGE = Number(process.env.EXPLAIN_BENCH_RANGE ?? 20_000);
const LIMIT = 1000;
const T0 = Date.parse("2026-11-01T00:00:00Z");
const KEY = "market_price:XPL";

const def: MonitorDefinition = {
  monitorId: "bench-explain",
  version: 1,
  workflowId: "wf",
  ownerUserId: "u",
  linkedPortfolioIds: [],
  enabled: true,
  fire: { mode: "edge", cooldownMs: 600_000, once: false },
  predicate: {
    all: [
      {
        stream: { kind: "market_price", subject: { symbol: "XPL" } },
        field: "price",
        op: "crosses_above",
        value: 100,
        hysteresis: 1,
      },
      {
        not: {
          stream: { kind: "market_price", subject: { symbol: "XPL" } },
          field: "price",
          op: "gt",
          value: 120,
          forMs: 60_000,
        },
      },
    ],
  },
};

it("measures explain over a million stored facts of one stream", async () => {
  const shard = (env as unknown as MatcherEnv).SHARDS.get((env as unknown as MatcherEnv).SHARDS.idFromName("explain"));
  const random = rng(7);
  let price = 100;
  const t0 = performance.now();
  for (let i = 0; i < FACTS; i += 1000) {
    const batch: AcceptedFact[] = [];
    for (let j = i; j < Math.min(FACTS, i + 1000); j++) {
      price = Math.max(1, price + (random() - 0.5) * 0.5 + (100 - price) * 0.001);
      batch.push({
        kind: "market_price",
        subject: { symbol: "XPL" },
        observedAt: T0 + j * 1000,
        data: { price },
        eventId: `01XPL${String(j).padStart(21, "0")}`,
        producerId: "bench",
        receivedAt: 0,
        streamKey: KEY,
      });
    }
    await shard.applyFacts(batch);
  }
  const storeSeconds = (performance.now() - t0) / 1000;
  const timed = async (range: Parameters<typeof shard.explain>[2]) => {
    const started = performance.now();
    const out = await shard.explain(def, [KEY], range);
    if (!("page" in out)) throw new Error(out.badCursor);
    return { ms: performance.now() - started, page: out.page as ExplainPage };
  };
  const first = await timed({ limit: 100 });
  const firstMax = await timed({ limit: LIMIT });
  const end = T0 + (FACTS - 1) * 1000;
  const lastHour = await timed({ from: end - 3_600_000, limit: 100 });

  // Every page of the range's last RANGE facts, by cursor: the first replays the log up to the range,
  // each next one continues the replay the shard kept in memory for its cursor (explain-cached.ts).
  const from = end - (RANGE - 1) * 1000;
  let cursor: string | undefined;
  let pages = 0;
  let rows = 0;
  let matched = 0;
  let rangeFirstPageMs = 0;
  const allStarted = performance.now();
  do {
    const { page, ms } = await timed({ from, limit: LIMIT, ...(cursor ? { cursor } : {}) });
    if (pages === 0) rangeFirstPageMs = ms;
    pages++;
    rows += page.rows.length;
    matched += page.matched;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  const allMs = performance.now() - allStarted;
  console.log(
    `BENCH ${JSON.stringify({
      facts: FACTS,
      storeSeconds,
      firstPageMs: first.ms,
      firstPageRows: first.page.rows.length,
      firstPage1000Ms: firstMax.ms,
      lastHourFirstPageMs: lastHour.ms,
      range: RANGE,
      rangePages: pages,
      rangeRows: rows,
      rangeMatched: matched,
      rangeAllPagesMs: allMs,
      rangeFirstPageMs,
    })}`,
  );
}, 3_600_000);
