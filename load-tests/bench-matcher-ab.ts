/**
 * `npm run bench:matcher-ab -- <git revision>` (tsx, one core): the matcher engine of this working
 * tree against the engine at an earlier revision, in one process, on bench:matcher's workload.
 *
 * This machine's speed drifts by up to 2× within minutes, so two separate bench:matcher runs
 * cannot tell a 10 % change from the weather. Here both engines hold the same monitors, and short
 * slices of facts alternate between them (which one goes first alternates too): each pair of
 * slices sees the same machine, and the median of the pairs' ratios is the figure.
 *
 * Env: N (monitors, default 100,000), SLICES (pairs, default 60), SLICE (facts per slice, default
 * 50,000), DENSE=1 (the monitors of N / 1,000 streams on a single stream, as bench:matcher's last
 * run). The revision's engine and shared code are extracted under node_modules/.cache (so its
 * imports resolve) and removed afterwards.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { DEFAULT_CHECKPOINT_FACTS } from "../matcher/src/engine/checkpoint";
import { IndexedEngine } from "../matcher/src/engine/indexed-engine";
import type { AcceptedFact } from "../shared/src/facts";
import type { MonitorDefinition } from "../shared/src/monitor";
import { reportBench } from "./lib/bench-output";
import { ALL_STREAMS, FactSource, MID_STREAM, MonitorSource, STREAM_COUNT } from "./lib/matcher-workload";

type Engine = {
  upsertMonitor(def: MonitorDefinition): void;
  applyFact(fact: AcceptedFact): { matches: readonly unknown[] };
  takeDirty(): unknown;
};
type EngineClass = new (opts: { history: () => [] }) => Engine;
type Run = { engine: Engine; facts: FactSource; sinceCheckpoint: number };

const REV = process.argv[2] ?? "HEAD";
const N = Number(process.env.N ?? 100_000);
const SLICES = Number(process.env.SLICES ?? 60);
const SLICE = Number(process.env.SLICE ?? 50_000);
const DENSE = process.env.DENSE === "1";
const BATCH = 1000;
const WARMUP_FACTS = 120_000;

const root = resolve(import.meta.dirname, "..");
const range = DENSE ? { streams: 1, first: MID_STREAM } : ALL_STREAMS;
const monitors = DENSE ? Math.max(1, Math.round(N / STREAM_COUNT)) : N;

/** The engine class at `rev`, from a copy of its matcher engine and shared code. */
async function engineAt(rev: string, dir: string): Promise<EngineClass> {
  mkdirSync(dir, { recursive: true });
  const tar = execFileSync("git", ["archive", rev, "matcher/src/engine", "shared/src"], { cwd: root });
  execFileSync("tar", ["-x", "-C", dir], { input: tar });
  const mod = (await import(join(dir, "matcher/src/engine/indexed-engine.ts"))) as { IndexedEngine: EngineClass };
  return mod.IndexedEngine;
}

/** An engine with the workload's monitors, past the warm-up (windows full, first evaluations done). */
function start(Engine: EngineClass): Run {
  const engine = new Engine({ history: () => [] });
  const source = new MonitorSource(range);
  for (let i = 0; i < monitors; i++) engine.upsertMonitor(source.next().def);
  engine.takeDirty();
  const facts = new FactSource(range);
  for (let i = 0; i < WARMUP_FACTS; i += BATCH) {
    for (const f of facts.take(BATCH)) engine.applyFact(f);
  }
  engine.takeDirty();
  return { engine, facts, sinceCheckpoint: 0 };
}

/** CPU µs per fact over one slice, checkpointing as bench:matcher does (facts generated untimed). */
function slice(run: Run): number {
  let cpu = 0;
  for (let done = 0; done < SLICE; done += BATCH) {
    const batch = run.facts.take(BATCH);
    const c0 = process.cpuUsage();
    for (const f of batch) run.engine.applyFact(f);
    run.sinceCheckpoint += BATCH;
    if (run.sinceCheckpoint >= DEFAULT_CHECKPOINT_FACTS) {
      run.engine.takeDirty();
      run.sinceCheckpoint = 0;
    }
    const c = process.cpuUsage(c0);
    cpu += c.user + c.system;
  }
  return cpu / SLICE;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function main(): Promise<void> {
  const dir = join(root, "node_modules/.cache/matcher-ab", `${process.pid}`);
  try {
    const Old = await engineAt(REV, dir);
    const old = start(Old);
    const cur = start(IndexedEngine as unknown as EngineClass);
    const oldUs: number[] = [];
    const curUs: number[] = [];
    const ratios: number[] = [];
    for (let i = 0; i < SLICES; i++) {
      let a: number;
      let b: number;
      if (i % 2 === 0) {
        a = slice(old);
        b = slice(cur);
      } else {
        b = slice(cur);
        a = slice(old);
      }
      oldUs.push(a);
      curUs.push(b);
      ratios.push(b / a);
    }
    const where = DENSE
      ? `${monitors.toLocaleString("en-US")} monitors on 1 stream`
      : `${N.toLocaleString("en-US")} monitors`;
    reportBench("matcher-ab", {
      title: `this tree's matcher engine vs ${REV}, ${where}, ${SLICES} pairs of ${SLICE.toLocaleString("en-US")}-fact slices`,
      rows: [
        {
          metric: `µs/fact, this tree (median slice; baseline: ${REV})`,
          value: median(curUs),
          baseline: median(oldUs),
        },
        {
          metric: "time per fact, this tree / baseline (median of paired slices)",
          value: median(ratios),
          target: "< 1 is faster",
        },
        { metric: "paired ratio, lowest slice pair", value: Math.min(...ratios) },
        { metric: "paired ratio, highest slice pair", value: Math.max(...ratios) },
      ],
      summary: { rev: REV, monitors, dense: DENSE, slices: SLICES, slice: SLICE },
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
