import v8 from "node:v8";
import vm from "node:vm";
import { IndexedEngine } from "../../matcher/src/engine/indexed-engine";
import { referenceEvaluate } from "../../matcher/src/engine/reference";
import type { Op } from "../../matcher/src/engine/types";
import { BareLevelLoop } from "./bare-loop";
import { timeEngine, timeFacts } from "./matcher-timing";
import { ALL_STREAMS, FactSource, type MonitorMix, MonitorSource, type StreamRange } from "./matcher-workload";

/**
 * bench:matcher's measurements at one size: the indexed engine (throughput, upserts, heap), the
 * bare level loop and the reference evaluator, each on bench:matcher's workload.
 *
 * @example const r = measureIndexed(100_000); r.indexedUsPerFact
 */
export type SizeResult = {
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

export type IndexedResult = Omit<SizeResult, "bareFactsPerSec" | "bareUsPerFact" | "referenceFactsPerSec">;

/** Above this the reference evaluator (O(monitors) per fact) would take minutes: not run. */
const REFERENCE_MAX_MONITORS = 100_000;
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

/**
 * The indexed engine with `n` monitors on `range`'s streams, of which only the first `live` can
 * ever match (the rest are moved where the walk never goes, still indexed).
 */
export function measureIndexed(
  n: number,
  range: StreamRange = ALL_STREAMS,
  live = Number.POSITIVE_INFINITY,
  mix: MonitorMix = "constant",
): IndexedResult {
  // Compile the engine's code first (a throwaway engine): V8's code for it is a few MB, paid once
  // per process, and would otherwise be counted as bytes per monitor at the small sizes.
  const warm = new IndexedEngine({ history: () => [] });
  const warmSource = new MonitorSource(ALL_STREAMS, Number.POSITIVE_INFINITY, mix);
  for (let i = 0; i < 2000; i++) warm.upsertMonitor(warmSource.next().def);
  for (const f of new FactSource().take(5000)) warm.applyFact(f);
  warm.takeDirty();
  const h0 = heapUsed();
  const engine = new IndexedEngine({ history: () => [] });
  const source = new MonitorSource(range, live, mix);
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

/** The practical limit (lib/bare-loop.ts) with the levels of `n` monitors, timed as the engine is. */
export function measureBare(n: number): { perSec: number } {
  const bare = new BareLevelLoop(n);
  const { perSec } = timeFacts(
    (f) => bare.applyFact(f),
    () => {},
  );
  return { perSec };
}

/** The reference evaluator on k facts, k grown until the run takes about a second; null above 100k. */
export function measureReference(n: number): number | null {
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
