import { env } from "cloudflare:workers";
import { it } from "vitest";
import type { MatcherEnv } from "../../matcher/src/env";
import type { ExplainPage } from "../../shared/src/contract/explain";
import type { AcceptedFact } from "../../shared/src/facts";
import type { MonitorDefinition } from "../../shared/src/monitor";
import { rng } from "../lib/workload";
import { measureBusyShard, type Shard } from "./busy-shard";

/**
 * bench:explain, inside workerd: one MatcherShard Durable Object holding FACTS (default 1,000,000)
 * facts of one stream in its SQLite log (stored through applyFacts, 1,000 a batch), then explain
 * through its RPC as the route calls it: the first page of the whole log, the first page of the
 * log's last hour (a replay of the whole log), and every page of a range of RANGE facts by cursor.
 * Then the same three for a draft that also reads a second stream of as many facts stored on
 * another shard (a ratio of the two): its explain pulls that stream by RPC, chunk by chunk, and
 * merges it with the home's log (matcher/src/explain/explain-merged.ts). Then a busy shard: BUSY_FACTS
 * facts over BUSY_STREAMS streams, and explain of one of them (busy-shard.ts).
 * Prints one `BENCH {json}` line that load-tests/bench-explain.ts reports.
 */
const FACTS = Number(process.env.EXPLAIN_BENCH_FACTS ?? 1_000_000);
const RANGE = Number(process.env.EXPLAIN_BENCH_RANGE ?? 20_000);
const BUSY_FACTS = Number(process.env.EXPLAIN_BENCH_BUSY_FACTS ?? 1_000_000);
const BUSY_STREAMS = Number(process.env.EXPLAIN_BENCH_BUSY_STREAMS ?? 1000);
const LIMIT = 1000;
const T0 = Date.parse("2026-11-01T00:00:00Z");
const KEY = "market_price:XPL";
const PULLED_KEY = "market_price:XPLB";
/** The pulled stream's owner: a shard the draft's home reaches by its name, shard-<n>. */
const OWNER = 1;

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

/** The draft: XPL's price crossing above XPLB's (the second stream, on another shard). */
const draft: MonitorDefinition = {
  ...def,
  monitorId: "bench-draft",
  predicate: {
    stream: { kind: "market_price", subject: { symbol: "XPL" } },
    field: "price",
    op: "crosses_above",
    value: { stream: { kind: "market_price", subject: { symbol: "XPLB" } }, field: "price" },
  },
};

/** FACTS prices of one symbol, a random walk around 100; eventIds interleave the two streams' (2j, 2j + 1). */
async function store(shard: Shard, symbol: string, seed: number, lane: 0 | 1): Promise<void> {
  const random = rng(seed);
  let price = 100;
  for (let i = 0; i < FACTS; i += 1000) {
    const batch: AcceptedFact[] = [];
    for (let j = i; j < Math.min(FACTS, i + 1000); j++) {
      price = Math.max(1, price + (random() - 0.5) * 0.5 + (100 - price) * 0.001);
      batch.push({
        kind: "market_price",
        subject: { symbol },
        observedAt: T0 + j * 1000 + lane * 500,
        data: { price },
        eventId: `01XPL${String(2 * j + lane).padStart(21, "0")}`,
        producerId: "bench",
        receivedAt: 0,
        streamKey: `market_price:${symbol}`,
      });
    }
    await shard.applyFacts(batch);
  }
}

type Explain = (range: Parameters<Shard["explain"]>[2]) => ReturnType<Shard["explain"]>;

/**
 * The first page (100 and 1000 rows), the first page of the log's last hour (a replay of the whole
 * log), and every page of the last RANGE seconds by cursor: the first of those replays the log up
 * to the range, each next one continues the replay the shard kept in memory for its cursor.
 */
async function measure(explain: Explain) {
  const timed = async (range: Parameters<Explain>[0]) => {
    const started = performance.now();
    const out = await explain(range);
    if (!("page" in out)) throw new Error(out.badCursor);
    return { ms: performance.now() - started, page: out.page as ExplainPage };
  };
  const first = await timed({ limit: 100 });
  const firstMax = await timed({ limit: LIMIT });
  const end = T0 + (FACTS - 1) * 1000;
  const lastHour = await timed({ from: end - 3_600_000, limit: 100 });
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
  return {
    firstPageMs: first.ms,
    firstPageRows: first.page.rows.length,
    firstPage1000Ms: firstMax.ms,
    lastHourFirstPageMs: lastHour.ms,
    rangePages: pages,
    rangeRows: rows,
    rangeMatched: matched,
    rangeAllPagesMs: performance.now() - allStarted,
    rangeFirstPageMs,
  };
}

it("measures explain over a million stored facts of one stream, a draft that pulls a second one, and a busy shard", async () => {
  const shards = (env as unknown as MatcherEnv).SHARDS;
  const shard = shards.get(shards.idFromName("explain"));
  const t0 = performance.now();
  await store(shard, "XPL", 7, 0);
  const storeSeconds = (performance.now() - t0) / 1000;
  const one = await measure((range) => shard.explain(def, [KEY], range));
  const readStarted = performance.now();
  const readLogRows = (await shard.readLog([KEY], 0, 2000)).length;
  const readLogMs = performance.now() - readStarted;

  await store(shards.get(shards.idFromName(`shard-${OWNER}`)), "XPLB", 11, 1);
  const pull = [{ streamKey: PULLED_KEY, owner: OWNER }];
  const draftRun = await measure((range) => shard.explain(draft, [KEY, PULLED_KEY], range, pull));
  const drafted = Object.fromEntries(
    Object.entries(draftRun).map(([k, v]) => [`draft${k[0]?.toUpperCase()}${k.slice(1)}`, v]),
  );
  const busy = await measureBusyShard(shards.get(shards.idFromName("busy")), BUSY_FACTS, BUSY_STREAMS);
  const figures = { facts: FACTS, storeSeconds, range: RANGE, ...one, readLogMs, readLogRows, ...drafted, ...busy };
  console.log(`BENCH ${JSON.stringify(figures)}`);
}, 3_600_000);
