/**
 * `npm run bench:explain`: explain over 1,000,000 stored facts of one stream, in workerd (the
 * Workers vitest pool, load-tests/vitest.bench.config.ts, workerd/explain-bench.test.ts): one
 * MatcherShard's SQLite log, explain called through its RPC as the route calls it. Figures: the
 * first page (target < 1 s), the first page of the log's last hour (the worst case: a replay of
 * the whole log), and every page of a range by cursor; then the same for a draft that also reads
 * a second stream of as many facts from another shard (pulled by RPC in chunks and merged). Last,
 * a busy shard: as many facts spread over 1,000 streams, explaining a monitor on one of them, with
 * the one-stream shard's figure for as many rows as the baseline (workerd/busy-shard.ts).
 * Env: EXPLAIN_BENCH_FACTS, EXPLAIN_BENCH_RANGE, EXPLAIN_BENCH_BUSY_FACTS, EXPLAIN_BENCH_BUSY_STREAMS.
 */
import { reportBench } from "./lib/bench-output";
import { countKnob, readKnobs } from "./lib/knobs";
import { runWorkerdBench } from "./lib/workerd-bench";
import type { BusyRun } from "./workerd/busy-shard";

type Run = {
  firstPageMs: number;
  firstPageRows: number;
  firstPage1000Ms: number;
  lastHourFirstPageMs: number;
  rangePages: number;
  rangeRows: number;
  rangeMatched: number;
  rangeAllPagesMs: number;
  rangeFirstPageMs: number;
};
type Drafted = { [K in keyof Run as `draft${Capitalize<K>}`]: Run[K] };
type Read = { readLogMs: number; readLogRows: number };
// Read here, before workerd starts: vitest.bench.config.ts passes them on as bindings.
readKnobs(() => [
  countKnob("EXPLAIN_BENCH_FACTS", 1_000_000),
  countKnob("EXPLAIN_BENCH_RANGE", 20_000),
  countKnob("EXPLAIN_BENCH_BUSY_FACTS", 1_000_000),
  countKnob("EXPLAIN_BENCH_BUSY_STREAMS", 1000),
]);
const r = runWorkerdBench<{ facts: number; storeSeconds: number; range: number } & Run & Read & Drafted & BusyRun>(
  "explain-bench",
);
const d: Run = {
  firstPageMs: r.draftFirstPageMs,
  firstPageRows: r.draftFirstPageRows,
  firstPage1000Ms: r.draftFirstPage1000Ms,
  lastHourFirstPageMs: r.draftLastHourFirstPageMs,
  rangePages: r.draftRangePages,
  rangeRows: r.draftRangeRows,
  rangeMatched: r.draftRangeMatched,
  rangeAllPagesMs: r.draftRangeAllPagesMs,
  rangeFirstPageMs: r.draftRangeFirstPageMs,
};
const replayFactsPerSec = r.facts / (r.lastHourFirstPageMs / 1000);
/** The busy shard's rows, each beside the one-stream shard's figure for as many rows (or facts read). */
function busyRows() {
  const rows = (ms: number, baseline: number) => ({ value: Math.round(ms), baseline: Math.round(baseline) });
  return [
    {
      metric: `busy shard, ${r.busyFacts.toLocaleString("en-US")} facts over ${r.busyStreams.toLocaleString("en-US")} streams, a monitor on one (${r.busyStreamFacts} facts): first page, 100 rows (ms)`,
      ...rows(r.busyFirstPageMs, r.firstPageMs),
      target: "< 1000",
      ratio: 1000 / r.busyFirstPageMs,
    },
    {
      metric: `  first page, 1000 rows (ms; ${r.busyFirstPage1000Rows} rows)`,
      ...rows(r.busyFirstPage1000Ms, r.firstPage1000Ms),
    },
    {
      metric: "  the whole stream's replay: first page of its last hour (ms; baseline: 1000 rows of one stream)",
      ...rows(r.busyWholeStreamMs, r.firstPage1000Ms),
    },
    {
      metric: `  one pulled-stream chunk, readLog of 2000 (ms; ${r.busyReadLogRows} rows, baseline ${r.readLogRows})`,
      ...rows(r.busyReadLogMs, r.readLogMs),
    },
    { metric: "  storing the facts (s, 1000-fact batches)", value: Number(r.busyStoreSeconds.toFixed(1)) },
  ];
}

reportBench("explain", {
  title: `explain over ${r.facts.toLocaleString("en-US")} stored facts of one stream, one MatcherShard in workerd, over RPC; a draft that also pulls as many of a 2nd stream from another shard; and a busy shard (baseline: the one-stream shard)`,
  rows: [
    {
      metric: "first page, 100 rows (ms)",
      value: Math.round(r.firstPageMs),
      target: "< 1000",
      ratio: 1000 / r.firstPageMs,
    },
    { metric: "first page, 1000 rows (ms)", value: Math.round(r.firstPage1000Ms) },
    { metric: "first page of the last hour: whole-log replay (ms)", value: Math.round(r.lastHourFirstPageMs) },
    { metric: "replay facts/s (whole log)", value: Math.round(replayFactsPerSec) },
    {
      metric: `all pages of the last ${r.range.toLocaleString("en-US")} facts, 1000 a page (s)`,
      value: Number((r.rangeAllPagesMs / 1000).toFixed(2)),
    },
    { metric: "  of which the first page: a replay up to the range (ms)", value: Math.round(r.rangeFirstPageMs) },
    {
      metric: "  each next page by cursor, mean (ms)",
      value: Math.round((r.rangeAllPagesMs - r.rangeFirstPageMs) / Math.max(1, r.rangePages - 1)),
    },
    { metric: "pages / rows / matched in that range", value: `${r.rangePages} / ${r.rangeRows} / ${r.rangeMatched}` },
    { metric: "storing the facts (s, 1000-fact batches)", value: Number(r.storeSeconds.toFixed(1)) },
    {
      metric: "draft pulling a 2nd stream of as many facts from another shard: first page, 100 rows (ms)",
      value: Math.round(d.firstPageMs),
      target: "< 1000",
      ratio: 1000 / d.firstPageMs,
    },
    { metric: "  first page, 1000 rows (ms)", value: Math.round(d.firstPage1000Ms) },
    {
      metric: "  first page of the last hour: both logs replayed, merged (ms)",
      value: Math.round(d.lastHourFirstPageMs),
    },
    { metric: "  replay facts/s (both logs)", value: Math.round((2 * r.facts) / (d.lastHourFirstPageMs / 1000)) },
    {
      metric: `  all pages of the last ${r.range.toLocaleString("en-US")} s, 1000 a page (s)`,
      value: Number((d.rangeAllPagesMs / 1000).toFixed(2)),
    },
    {
      metric: "  each next page by cursor, mean (ms)",
      value: Math.round((d.rangeAllPagesMs - d.rangeFirstPageMs) / Math.max(1, d.rangePages - 1)),
    },
    { metric: "  pages / rows / matched in that range", value: `${d.rangePages} / ${d.rangeRows} / ${d.rangeMatched}` },
    ...busyRows(),
  ],
  summary: {
    ...r,
    replayFactsPerSec: Math.round(replayFactsPerSec),
    pass: r.firstPageMs < 1000 && d.firstPageMs < 1000 && r.busyFirstPageMs < 1000,
  },
});
