/**
 * `npm run bench:explain`: explain over 1,000,000 stored facts of one stream, in workerd (the
 * Workers vitest pool, load-tests/vitest.bench.config.ts, workerd/explain-bench.test.ts): one
 * MatcherShard's SQLite log, explain called through its RPC as the route calls it. Figures: the
 * first page (target < 1 s), the first page of the log's last hour (the worst case: a replay of
 * the whole log), and every page of a range by cursor. Env: EXPLAIN_BENCH_FACTS, EXPLAIN_BENCH_RANGE.
 */
import { reportBench } from "./lib/bench-output";
import { runWorkerdBench } from "./lib/workerd-bench";

const r = runWorkerdBench<{
  facts: number;
  storeSeconds: number;
  firstPageMs: number;
  firstPageRows: number;
  firstPage1000Ms: number;
  lastHourFirstPageMs: number;
  range: number;
  rangePages: number;
  rangeRows: number;
  rangeMatched: number;
  rangeAllPagesMs: number;
  rangeFirstPageMs: number;
}>("explain-bench");
const replayFactsPerSec = r.facts / (r.lastHourFirstPageMs / 1000);
reportBench("explain", {
  title: `explain over ${r.facts.toLocaleString("en-US")} stored facts of one stream, one MatcherShard in workerd, over RPC`,
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
  ],
  summary: { ...r, replayFactsPerSec: Math.round(replayFactsPerSec), pass: r.firstPageMs < 1000 },
});
