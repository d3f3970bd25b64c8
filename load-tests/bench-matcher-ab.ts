/**
 * `npm run bench:matcher-ab -- <git revision>` (tsx, one core): the matcher engine of this working
 * tree against the engine at an earlier revision, on bench:matcher's workload.
 *
 * This machine's speed drifts by up to 2× within minutes, so one bench:matcher run per engine
 * cannot tell a 10 % change from the weather. Here the two engines run in turns, one fresh
 * process each (which one goes first alternates), for ROUNDS rounds; each round's ratio compares
 * neighbours in time, and the median of the rounds' ratios is the figure.
 *
 * One process per engine on purpose: with both engines in one process, identical code measured
 * 0.6–0.7 or 1.4–1.7 depending on which engine's code was loaded first.
 *
 * Env: N (monitors, default 100,000), DENSE=1 (N / 1,000 monitors on a single stream, as
 * bench:matcher's last run), ROUNDS (default 6), SECONDS (timed per process, as bench:matcher's
 * SECONDS). The revision's engine and shared code are extracted under `.matcher-ab/` (git-ignored)
 * and removed afterwards.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import type { MonitorDefinition } from "../shared/src/monitor";
import { reportBench } from "./lib/bench-output";
import { countKnob, flagKnob, readKnobs } from "./lib/knobs";
import { median, type TimedEngine, timeEngine } from "./lib/matcher-timing";
import { ALL_STREAMS, MID_STREAM, MonitorSource, STREAM_COUNT } from "./lib/matcher-workload";

type Engine = TimedEngine & { upsertMonitor(def: MonitorDefinition): void };
type EngineClass = new (opts: { history: () => [] }) => Engine;

const REV = process.argv[2] ?? "HEAD";
const { N, DENSE, ROUNDS } = readKnobs(() => ({
  N: countKnob("N", 100_000),
  DENSE: flagKnob("DENSE", false),
  ROUNDS: countKnob("ROUNDS", 6),
}));

const root = resolve(import.meta.dirname, "..");
const baselineDir = join(root, ".matcher-ab", REV.replace(/[^\w.-]/g, "_"));
const range = DENSE ? { streams: 1, first: MID_STREAM } : ALL_STREAMS;
const monitors = DENSE ? Math.max(1, Math.round(N / STREAM_COUNT)) : N;

/** CPU µs per fact of one engine in this process, timed exactly as bench:matcher times it. */
function measure(Engine: EngineClass): number {
  const engine = new Engine({ history: () => [] });
  const source = new MonitorSource(range);
  for (let i = 0; i < monitors; i++) engine.upsertMonitor(source.next().def);
  engine.takeDirty();
  return 1e6 / timeEngine(engine, range).perSec;
}

/** One engine, measured in a fresh process (this script again). */
function inChild(which: "baseline" | "tree"): number {
  const out = execFileSync(process.execPath, [...process.execArgv, process.argv[1] as string, REV], {
    cwd: root,
    env: { ...process.env, AB_ENGINE: which },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  return (JSON.parse(out.trim().split("\n").pop() as string) as { us: number }).us;
}

async function child(which: string): Promise<void> {
  const path =
    which === "tree"
      ? join(root, "matcher/src/engine/indexed-engine.ts")
      : join(baselineDir, "matcher/src/engine/indexed-engine.ts");
  const { IndexedEngine } = (await import(path)) as { IndexedEngine: EngineClass };
  console.log(JSON.stringify({ us: measure(IndexedEngine) }));
}

async function main(): Promise<void> {
  const which = process.env.AB_ENGINE;
  if (which) return child(which);
  mkdirSync(baselineDir, { recursive: true });
  try {
    const tar = execFileSync("git", ["archive", REV, "matcher/src/engine", "shared/src"], { cwd: root });
    execFileSync("tar", ["-x", "-C", baselineDir], { input: tar });
    const baseUs: number[] = [];
    const treeUs: number[] = [];
    const ratios: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      let b: number;
      let t: number;
      if (r % 2 === 0) {
        b = inChild("baseline");
        t = inChild("tree");
      } else {
        t = inChild("tree");
        b = inChild("baseline");
      }
      baseUs.push(b);
      treeUs.push(t);
      ratios.push(t / b);
      console.log(`round ${r + 1}: ${REV} ${b.toFixed(3)} µs/fact, this tree ${t.toFixed(3)} (${(t / b).toFixed(2)}×)`);
    }
    const where = DENSE
      ? `${monitors.toLocaleString("en-US")} monitors on 1 stream`
      : `${N.toLocaleString("en-US")} monitors`;
    reportBench("matcher-ab", {
      title: `this tree's matcher engine vs ${REV}, ${where}, ${ROUNDS} rounds of one process per engine`,
      rows: [
        {
          metric: `µs/fact, this tree (median of rounds; baseline: ${REV})`,
          value: median(treeUs),
          baseline: median(baseUs),
        },
        {
          metric: "time per fact, this tree / baseline (median of rounds)",
          value: median(ratios),
          target: "< 1 is faster",
        },
        { metric: "ratio, lowest round", value: Math.min(...ratios) },
        { metric: "ratio, highest round", value: Math.max(...ratios) },
      ],
      summary: { rev: REV, monitors, dense: DENSE, rounds: ROUNDS, ratios },
    });
  } finally {
    rmSync(baselineDir, { recursive: true, force: true });
  }
}

await main();
