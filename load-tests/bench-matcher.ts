/**
 * `npm run bench:matcher` (tsx, single core): the indexed matcher at 1k / 10k / 100k / 1M monitors
 * over 1,000 random-walk price streams, against the reference evaluator (O(monitors) per fact,
 * run only where it finishes in seconds), json-rules-engine (1,000 rules, short run) and a bare
 * loop over sorted levels that only counts crossings (the practical limit). Reports facts/s,
 * µs/fact, matches/fact and heap bytes per monitor; then, to take the growth from the smallest to
 * the largest size apart, the largest size's density on one stream and the largest size with only
 * the smallest size's monitors able to match (see matcher/src/engine/scaling-note.md). Writes
 * results/matcher.json and results/matcher-throughput.svg. Env: SIZES (comma list), SECONDS (per
 * measurement, default 4.5; split in 3 rounds whose median is reported).
 */
import { loadavg } from "node:os";
import { reportBench } from "./lib/bench-output";
import { countListKnob, readKnobs } from "./lib/knobs";
import {
  type IndexedResult,
  measureBare,
  measureIndexed,
  measureReference,
  type SizeResult,
} from "./lib/matcher-measures";
import { fmt, indicatorMixRows, matcherRows } from "./lib/matcher-rows";
import { ALL_STREAMS, MID_STREAM, STREAM_COUNT } from "./lib/matcher-workload";
import { measureRulesEngine } from "./lib/rules-engine-baseline";
import { throughputChartSvg } from "./lib/svg-chart";

const SIZES = readKnobs(() => countListKnob("SIZES", [1000, 10_000, 100_000, 1_000_000]));

function printRow(r: SizeResult): void {
  console.log(
    [
      fmt(r.monitors).padStart(9),
      fmt(r.upsertsPerSec).padStart(10),
      fmt(r.bytesPerMonitor).padStart(9),
      `${fmt(r.indexedFactsPerSec).padStart(16)} (${fmt(r.indexedFactsPerWallSec)})`.padEnd(29),
      fmt(r.indexedUsPerFact, 3).padStart(8),
      fmt(r.matchesPerFact, 3).padStart(13),
      fmt(r.bareFactsPerSec).padStart(13),
      fmt(r.bareUsPerFact, 3).padStart(8),
      fmt(r.referenceFactsPerSec, 1).padStart(18),
    ].join(" "),
  );
}

async function main(): Promise<void> {
  const started = performance.now();
  const results: SizeResult[] = [];
  console.log(
    `facts/s are per CPU second of this process (wall-clock in brackets); load average ${loadavg()[0]?.toFixed(2)}`,
  );
  console.log(
    "monitors   upserts/s  bytes/mon  indexed facts/s (wall)        µs/fact  matches/fact  bare facts/s  bare µs  reference facts/s",
  );
  for (const n of SIZES) {
    const idx = measureIndexed(n);
    const bare = measureBare(n);
    const r: SizeResult = {
      ...idx,
      bareFactsPerSec: bare.perSec,
      bareUsPerFact: 1e6 / bare.perSec,
      referenceFactsPerSec: measureReference(n),
    };
    results.push(r);
    printRow(r);
  }
  // DESIGN §8's mix: 10 % of monitors on an indicator and 5 % relative, against the same run's
  // constant-only mix at 100,000 monitors (targets: ≥ 1,000,000 facts/s, within 1.5×, < 300 B).
  const MIX_SIZE = 100_000;
  const constant = results.find((x) => x.monitors === MIX_SIZE) ?? measureIndexed(MIX_SIZE);
  const mixed = measureIndexed(MIX_SIZE, ALL_STREAMS, Number.POSITIVE_INFINITY, "indicators");
  console.log(
    `indicator mix at ${fmt(MIX_SIZE)} monitors: ${fmt(mixed.indexedFactsPerSec)} facts/s (${fmt(mixed.indexedUsPerFact, 3)} µs/fact, ${fmt(mixed.bytesPerMonitor)} bytes/monitor) against the constant-only mix's ${fmt(constant.indexedFactsPerSec)} facts/s (${fmt(constant.indexedUsPerFact, 3)} µs/fact, ${fmt(constant.bytesPerMonitor)} bytes/monitor): ${fmt(constant.indexedFactsPerSec / mixed.indexedFactsPerSec, 2)}× slower`,
  );
  const jre = await measureRulesEngine();
  console.log(`json-rules-engine, 1,000 rules: ${fmt(jre, 1)} facts/s`);
  // Where the growth comes from: the largest size's monitors per stream, all on one stream. Each
  // fact then meets as many levels, crossings and matches as at the largest size, but the whole
  // engine stays in the processor's cache, while at the largest size each fact lands on one of
  // 1,000 streams whose structures were last touched ~1,000 facts ago.
  const first = results[0];
  const last = results[results.length - 1];
  let dense: IndexedResult | undefined;
  if (last && last.monitors > STREAM_COUNT) {
    dense = measureIndexed(last.monitors / STREAM_COUNT, { streams: 1, first: MID_STREAM });
    console.log(
      `${fmt(dense.monitors)} monitors on 1 stream (the density of ${fmt(last.monitors)}): ${fmt(dense.indexedUsPerFact, 3)} µs/fact, ${fmt(dense.matchesPerFact, 3)} matches/fact`,
    );
  }
  // The same count of monitors, but only the smallest size's can ever be true (the rest are moved
  // where the walk never goes, their levels still indexed): as many matches per fact as at the
  // smallest size, so this growth is the index's (O(log n)) and memory's, without the matches'.
  let quiet: IndexedResult | undefined;
  if (first && last && last.monitors > first.monitors) {
    quiet = measureIndexed(last.monitors, ALL_STREAMS, first.monitors);
    console.log(
      `${fmt(last.monitors)} monitors of which ${fmt(first.monitors)} can match: ${fmt(quiet.indexedUsPerFact, 3)} µs/fact, ${fmt(quiet.matchesPerFact, 4)} matches/fact`,
    );
  }

  throughputChartSvg("load-tests/results/matcher-throughput.svg", [
    { name: "indexed engine", color: "#1f77b4", points: results.map((r) => [r.monitors, r.indexedFactsPerSec]) },
    { name: "bare level loop", color: "#2ca02c", points: results.map((r) => [r.monitors, r.bareFactsPerSec]) },
    {
      name: "reference evaluator",
      color: "#d62728",
      points: results.flatMap((r): [number, number][] =>
        r.referenceFactsPerSec ? [[r.monitors, r.referenceFactsPerSec]] : [],
      ),
    },
    { name: "json-rules-engine", color: "#9467bd", points: [[1000, jre]] },
  ]);
  reportBench("matcher", {
    title: `indexed matcher vs reference / json-rules-engine / bare loop, ${fmt(STREAM_COUNT)} streams, one core`,
    rows: [...matcherRows(results, dense, quiet, jre), ...indicatorMixRows(mixed, constant)],
    summary: {
      sizes: results,
      oneStream: dense
        ? {
            monitors: dense.monitors,
            indexedFactsPerSec: dense.indexedFactsPerSec,
            indexedUsPerFact: dense.indexedUsPerFact,
            matchesPerFact: dense.matchesPerFact,
          }
        : null,
      jsonRulesEngineFactsPerSec: jre,
      indicatorMix: {
        monitors: MIX_SIZE,
        factsPerSec: mixed.indexedFactsPerSec,
        bytesPerMonitor: mixed.bytesPerMonitor,
        constantFactsPerSec: constant.indexedFactsPerSec,
        constantBytesPerMonitor: constant.bytesPerMonitor,
      },
      seconds: (performance.now() - started) / 1000,
      loadAverage: loadavg(),
      note: "facts/s per CPU second of the bench process (process.cpuUsage); wall-clock figures in sizes[]",
    },
  });
}

await main();
