/**
 * `npm run bench:matcher` (tsx, single core): the indexed matcher at 1k / 10k / 100k / 1M monitors
 * over 1,000 random-walk price streams, against the reference evaluator (O(monitors) per fact,
 * run only where it finishes in seconds), json-rules-engine (1,000 rules, short run) and a bare
 * loop over sorted levels that only counts crossings (the practical limit). Reports facts/s,
 * µs/fact, matches/fact, heap bytes per monitor, the latency of a dependent read in 1 MB and in
 * 256 MB (what the growth with the monitor count is made of), and writes results/matcher.json and
 * results/matcher-throughput.svg. Env: SIZES (comma list), SECONDS (per measurement, default 4.5;
 * split in 3 rounds whose median is reported).
 */
import { writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import v8 from "node:v8";
import vm from "node:vm";
import { Engine as RulesEngine } from "json-rules-engine";
import { IndexedEngine } from "../matcher/src/engine/indexed-engine";
import { referenceEvaluate } from "../matcher/src/engine/reference";
import type { Op } from "../matcher/src/engine/types";
import type { Condition } from "../shared/src/predicate";
import { type BenchRow, reportBench } from "./lib/bench-output";
import { MatchFloor } from "./lib/match-floor";
import { SECONDS, timeEngine, timeFacts } from "./lib/matcher-timing";
import {
  ALL_STREAMS,
  FactSource,
  MID_STREAM,
  MonitorSource,
  STREAM_COUNT,
  type StreamRange,
} from "./lib/matcher-workload";
import { chaseNsPerRead } from "./lib/memory-latency";

// ---------------------------------------------------------------------------------------------
// Measurements

const SIZES = (process.env.SIZES ?? "1000,10000,100000,1000000").split(",").map(Number);
const REFERENCE_MAX_MONITORS = 100_000;
const MEMORY_NEAR = 2 ** 20;
const MEMORY_FAR = 256 * 2 ** 20;
const gc = exposeGc();

function exposeGc(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  v8.setFlagsFromString("--expose-gc");
  return vm.runInNewContext("gc") as () => void;
}

function heapUsed(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

type SizeResult = {
  monitors: number;
  upsertsPerSec: number;
  bytesPerMonitor: number;
  indexedFactsPerSec: number;
  indexedFactsPerWallSec: number;
  indexedUsPerFact: number;
  matchesPerFact: number;
  bareFactsPerSec: number;
  bareUsPerFact: number;
  referenceFactsPerSec: number | null;
};

function measureIndexed(
  n: number,
  range: StreamRange = ALL_STREAMS,
  live = Number.POSITIVE_INFINITY,
): Omit<SizeResult, "bareFactsPerSec" | "bareUsPerFact" | "referenceFactsPerSec"> {
  // Compile the engine's code first (a throwaway engine): V8's code for it is a few MB, paid once
  // per process, and would otherwise be counted as bytes per monitor at the small sizes.
  const warm = new IndexedEngine({ history: () => [] });
  const warmSource = new MonitorSource();
  for (let i = 0; i < 2000; i++) warm.upsertMonitor(warmSource.next().def);
  for (const f of new FactSource().take(5000)) warm.applyFact(f);
  warm.takeDirty();
  const h0 = heapUsed();
  const engine = new IndexedEngine({ history: () => [] });
  const source = new MonitorSource(range, live);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) engine.upsertMonitor(source.next().def);
  const upsertMs = performance.now() - t0;
  engine.takeDirty();
  const bytesPerMonitor = (heapUsed() - h0) / n;
  const { perSec, perSecWall, perFact } = timeEngine(engine, range);
  return {
    monitors: n,
    upsertsPerSec: (n / upsertMs) * 1000,
    bytesPerMonitor,
    indexedFactsPerSec: perSec,
    indexedFactsPerWallSec: perSecWall,
    indexedUsPerFact: 1e6 / perSec,
    matchesPerFact: perFact,
  };
}

/**
 * The practical limit: per stream a sorted Float64Array of levels; a fact only finds the levels it
 * passed (lib/match-floor.ts emitting no matches: bench:layout-model's floor is this plus them).
 */
function measureBare(n: number): { perSec: number } {
  const floor = new MatchFloor(n, 0);
  const { perSec } = timeFacts(
    (f) => floor.applyFact(f).matches.length,
    () => {},
  );
  return { perSec };
}

/** The reference evaluator on k facts, k grown until the run takes about a second. */
function measureReference(n: number): number | null {
  if (n > REFERENCE_MAX_MONITORS) return null;
  const source = new MonitorSource();
  const upserts: Op[] = Array.from({ length: n }, () => ({ type: "upsert", def: source.next().def }));
  const time = (ops: Op[]) => {
    const c = process.cpuUsage();
    referenceEvaluate(ops);
    const d = process.cpuUsage(c);
    return (d.user + d.system) / 1000;
  };
  const base = time(upserts);
  let k = 50;
  for (;;) {
    const ops: Op[] = [...upserts];
    const fresh = new FactSource();
    for (const f of fresh.take(k)) ops.push({ type: "fact", fact: f });
    const ms = Math.max(0.001, time(ops) - base);
    if (ms > 1000 || k >= 200_000) return (k / ms) * 1000;
    k *= 4;
  }
}

/** json-rules-engine with 1,000 rules: the same comparisons, stateless (crossings via a prev fact). */
async function measureRulesEngine(): Promise<number> {
  const engine = new RulesEngine([], { allowUndefinedFacts: true });
  const source = new MonitorSource();
  const ops: Record<string, string> = {
    gt: "greaterThan",
    gte: "greaterThanInclusive",
    lt: "lessThan",
    lte: "lessThanInclusive",
  };
  for (let i = 0; i < 1000; i++) {
    const { def } = source.next();
    const c = ("all" in def.predicate ? def.predicate.all[0] : def.predicate) as Condition;
    const symbol = { fact: "symbol", operator: "equal", value: (c.stream.subject as { symbol: string }).symbol };
    const v = c.value;
    let conds: { fact: string; operator: string; value: number | string }[];
    if (Array.isArray(v)) {
      conds = [
        { fact: "price", operator: "greaterThanInclusive", value: v[0] },
        { fact: "price", operator: "lessThanInclusive", value: v[1] },
      ];
    } else if (c.op === "crosses_above" || c.op === "crosses_below") {
      const up = c.op === "crosses_above";
      conds = [
        { fact: "prev", operator: up ? "lessThanInclusive" : "greaterThanInclusive", value: v },
        { fact: "price", operator: up ? "greaterThan" : "lessThan", value: v },
      ];
    } else conds = [{ fact: "price", operator: ops[c.op] ?? "equal", value: v }];
    engine.addRule({
      conditions: { all: [symbol, ...conds] },
      event: { type: "match", params: { id: def.monitorId } },
    });
  }
  const facts = new FactSource();
  const prev = new Map<string, number>();
  let n = 0;
  const t = performance.now();
  const c = process.cpuUsage();
  while (performance.now() - t < SECONDS * 1000 && n < 20_000) {
    const f = facts.next();
    const price = (f.data as { price: number }).price;
    await engine.run({ symbol: (f.subject as { symbol: string }).symbol, price, prev: prev.get(f.streamKey) ?? price });
    prev.set(f.streamKey, price);
    n++;
  }
  const d = process.cpuUsage(c);
  return (n / ((d.user + d.system) / 1000)) * 1000;
}

// ---------------------------------------------------------------------------------------------
// Output

type Series = { name: string; color: string; points: [number, number][] };

/** Throughput (log y) against monitor count (log x), drawn by hand: no chart library. */
function svgChart(series: Series[]): string {
  const W = 760;
  const H = 440;
  const m = { l: 80, r: 190, t: 40, b: 60 };
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = series.flatMap((s) => s.points.map((p) => p[1])).filter((y) => y > 0);
  const x0 = Math.floor(Math.log10(Math.min(...xs)));
  const x1 = Math.ceil(Math.log10(Math.max(...xs)));
  const y0 = Math.floor(Math.log10(Math.min(...ys)));
  const y1 = Math.ceil(Math.log10(Math.max(...ys)));
  const px = (x: number) => m.l + ((Math.log10(x) - x0) / Math.max(1, x1 - x0)) * (W - m.l - m.r);
  const py = (y: number) => H - m.b - ((Math.log10(y) - y0) / Math.max(1, y1 - y0)) * (H - m.t - m.b);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${m.l}" y="22" font-size="15">Matcher throughput (facts/s, one core) vs monitors</text>`,
  ];
  for (let e = x0; e <= x1; e++) {
    const x = px(10 ** e);
    parts.push(`<line x1="${x}" y1="${m.t}" x2="${x}" y2="${H - m.b}" stroke="#ddd"/>`);
    parts.push(`<text x="${x}" y="${H - m.b + 18}" text-anchor="middle">1e${e}</text>`);
  }
  for (let e = y0; e <= y1; e++) {
    const y = py(10 ** e);
    parts.push(`<line x1="${m.l}" y1="${y}" x2="${W - m.r}" y2="${y}" stroke="#ddd"/>`);
    parts.push(`<text x="${m.l - 8}" y="${y + 4}" text-anchor="end">1e${e}</text>`);
  }
  parts.push(`<text x="${(W - m.r + m.l) / 2}" y="${H - 18}" text-anchor="middle">monitors (log)</text>`);
  series.forEach((s, i) => {
    const pts = s.points.filter((p) => p[1] > 0);
    const path = pts.map((p) => `${px(p[0]).toFixed(1)},${py(p[1]).toFixed(1)}`).join(" ");
    parts.push(`<polyline points="${path}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
    for (const p of pts) parts.push(`<circle cx="${px(p[0])}" cy="${py(p[1])}" r="4" fill="${s.color}"/>`);
    const ly = m.t + 10 + i * 20;
    parts.push(`<rect x="${W - m.r + 16}" y="${ly - 9}" width="12" height="12" fill="${s.color}"/>`);
    parts.push(`<text x="${W - m.r + 34}" y="${ly + 2}">${s.name}</text>`);
  });
  parts.push("</svg>");
  return parts.join("\n");
}

const fmt = (x: number | null, digits = 0) =>
  x === null ? "-" : x.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

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
    const ref = measureReference(n);
    const r: SizeResult = {
      ...idx,
      bareFactsPerSec: bare.perSec,
      bareUsPerFact: 1e6 / bare.perSec,
      referenceFactsPerSec: ref,
    };
    results.push(r);
    console.log(
      [
        fmt(n).padStart(9),
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
  const jre = await measureRulesEngine();
  console.log(`json-rules-engine, 1,000 rules: ${fmt(jre, 1)} facts/s`);
  // Where the growth comes from: the largest size's monitors per stream, all on one stream. Each
  // fact then meets as many levels, crossings and matches as at the largest size, but the whole
  // engine stays in the processor's cache, while at the largest size each fact lands on one of
  // 1,000 streams whose structures were last touched ~1,000 facts ago.
  const first = results[0];
  const last = results[results.length - 1];
  const dense =
    last && last.monitors > STREAM_COUNT
      ? measureIndexed(last.monitors / STREAM_COUNT, { streams: 1, first: MID_STREAM })
      : undefined;
  if (last && dense) {
    console.log(
      `${fmt(dense.monitors)} monitors on 1 stream (the density of ${fmt(last.monitors)}): ${fmt(dense.indexedUsPerFact, 3)} µs/fact, ${fmt(dense.matchesPerFact, 3)} matches/fact`,
    );
  }
  // The same count of monitors, but only the smallest size's can ever be true (the rest are moved
  // where the walk never goes, their levels still indexed): as many matches per fact as at the
  // smallest size, so this growth is the index's (O(log n)) and memory's, without the matches'.
  const quiet =
    first && last && last.monitors > first.monitors
      ? measureIndexed(last.monitors, ALL_STREAMS, first.monitors)
      : undefined;
  if (first && last && quiet) {
    console.log(
      `${fmt(last.monitors)} monitors of which ${fmt(first.monitors)} can match: ${fmt(quiet.indexedUsPerFact, 3)} µs/fact, ${fmt(quiet.matchesPerFact, 4)} matches/fact`,
    );
  }
  const at = (n: number) => results.find((r) => r.monitors === n);
  const rows: BenchRow[] = [];
  for (const r of results) {
    const k = fmt(r.monitors);
    const target = r.monitors === 100_000 ? ">= 1,000,000" : undefined;
    rows.push({
      metric: `indexed facts/s @ ${k} monitors`,
      value: Math.round(r.indexedFactsPerSec),
      ...(target ? { target, ratio: r.indexedFactsPerSec / 1e6 } : {}),
    });
    rows.push({
      metric: `indexed µs/fact @ ${k} (baseline: bare loop)`,
      value: r.indexedUsPerFact,
      baseline: r.bareUsPerFact,
      ratio: r.indexedUsPerFact / r.bareUsPerFact,
    });
    rows.push({ metric: `matches/fact @ ${k}`, value: r.matchesPerFact });
    rows.push({
      metric: `heap bytes/monitor @ ${k}`,
      value: Math.round(r.bytesPerMonitor),
      target: "< 300",
      ratio: r.bytesPerMonitor / 300,
    });
    if (r.referenceFactsPerSec !== null) {
      rows.push({
        metric: `reference facts/s @ ${k} (ratio: indexed speed-up)`,
        value: Math.round(r.referenceFactsPerSec),
        ratio: r.indexedFactsPerSec / r.referenceFactsPerSec,
      });
    }
  }
  if (first && last && last !== first) {
    rows.push({
      metric: `cost growth µs/fact ${fmt(first.monitors)} → ${fmt(last.monitors)}`,
      value: last.indexedUsPerFact / first.indexedUsPerFact,
      target: "< 3",
    });
  }
  if (first && last && dense) {
    const where = `${fmt(dense.monitors)} monitors on 1 stream (${fmt(last.monitors)}'s density; ratio: growth from ${fmt(first.monitors)})`;
    rows.push({
      metric: `indexed µs/fact, ${where}`,
      value: dense.indexedUsPerFact,
      ratio: dense.indexedUsPerFact / first.indexedUsPerFact,
    });
    rows.push({ metric: `matches/fact, ${fmt(dense.monitors)} monitors on 1 stream`, value: dense.matchesPerFact });
  }
  if (first && last && quiet) {
    const where = `${fmt(last.monitors)} monitors of which ${fmt(first.monitors)} can match`;
    rows.push({
      metric: `indexed µs/fact, ${where} (${fmt(first.monitors)}'s matches/fact; ratio: growth from ${fmt(first.monitors)})`,
      value: quiet.indexedUsPerFact,
      ratio: quiet.indexedUsPerFact / first.indexedUsPerFact,
    });
    rows.push({ metric: `matches/fact, ${where}`, value: quiet.matchesPerFact });
  }
  // What the growth is made of: a read that depends on the previous one, within the caches (the
  // small engine's whole heap fits) and at random in a working set like the largest engine's.
  const near = chaseNsPerRead(MEMORY_NEAR);
  const far = chaseNsPerRead(MEMORY_FAR);
  rows.push({
    metric: "ns per dependent read at random in 256 MB (baseline: in 1 MB)",
    value: far,
    baseline: near,
    ratio: far / near,
  });
  const k1 = at(1000);
  rows.push({ metric: "json-rules-engine facts/s @ 1,000 rules", value: Math.round(jre) });
  if (k1)
    rows.push({
      metric: "indexed / json-rules-engine @ 1,000",
      value: k1.indexedFactsPerSec / jre,
      target: ">= 10,000",
    });

  const svg = svgChart([
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
  writeFileSync("load-tests/results/matcher-throughput.svg", svg);
  reportBench("matcher", {
    title: `indexed matcher vs reference / json-rules-engine / bare loop, ${fmt(STREAM_COUNT)} streams, one core`,
    rows,
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
      seconds: (performance.now() - started) / 1000,
      loadAverage: loadavg(),
      note: "facts/s per CPU second of the bench process (process.cpuUsage); wall-clock figures in sizes[]",
    },
  });
}

await main();
