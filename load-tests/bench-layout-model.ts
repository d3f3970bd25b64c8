/**
 * `npm run bench:layout-model` (tsx, one core): how much a typed-array layout could buy the
 * matcher (lib/layout-model.ts, a model of bench:matcher's workload, not an engine) against the
 * engine, at 1,000 and 1,000,000 monitors, timed as bench:matcher times the engine. The two run
 * in alternating rounds of one fresh process each (see bench:matcher-ab for why); the medians are
 * reported, with each one's growth from 1k to 1M beside the target (< 3×). Env: SIZES (default
 * "1000,1000000"), ROUNDS (default 3), SECONDS (timed per process).
 */
import { execFileSync } from "node:child_process";
import { IndexedEngine } from "../matcher/src/engine/indexed-engine";
import { type BenchRow, reportBench } from "./lib/bench-output";
import { LayoutModel } from "./lib/layout-model";
import { timeEngine } from "./lib/matcher-timing";
import { MonitorSource } from "./lib/matcher-workload";

const SIZES = (process.env.SIZES ?? "1000,1000000").split(",").map(Number);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const KINDS = ["model", "engine"] as const;
type Kind = (typeof KINDS)[number];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** µs per fact of one kind at n monitors, in this process, with matches per fact. */
function measure(kind: Kind, n: number): { us: number; matches: number } {
  const source = new MonitorSource();
  let timed: ReturnType<typeof timeEngine>;
  if (kind === "model") {
    const model = new LayoutModel();
    for (let i = 0; i < n; i++) model.add(source.next().def);
    model.finish();
    timed = timeEngine(model);
  } else {
    const engine = new IndexedEngine({ history: () => [] });
    for (let i = 0; i < n; i++) engine.upsertMonitor(source.next().def);
    engine.takeDirty();
    timed = timeEngine(engine);
  }
  return { us: 1e6 / timed.perSec, matches: timed.perFact };
}

function inChild(kind: Kind, n: number): { us: number; matches: number } {
  const out = execFileSync(process.execPath, [...process.execArgv, process.argv[1] as string], {
    env: { ...process.env, LAYOUT_CHILD: `${kind}:${n}` },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  return JSON.parse(out.trim().split("\n").pop() as string) as { us: number; matches: number };
}

function main(): void {
  const child = process.env.LAYOUT_CHILD;
  if (child) {
    const [kind, n] = child.split(":");
    console.log(JSON.stringify(measure(kind as Kind, Number(n))));
    return;
  }
  const us: Record<string, number[]> = {};
  const matches: Record<string, number> = {};
  for (let r = 0; r < ROUNDS; r++) {
    for (const n of SIZES) {
      const order = r % 2 === 0 ? KINDS : [...KINDS].reverse();
      for (const kind of order) {
        const m = inChild(kind, n);
        const key = `${kind}:${n}`;
        us[key] = [...(us[key] ?? []), m.us];
        matches[key] = m.matches;
        console.log(`round ${r + 1}: ${kind} @ ${n.toLocaleString("en-US")}: ${m.us.toFixed(3)} µs/fact`);
      }
    }
  }
  const at = (kind: Kind, n: number) => median(us[`${kind}:${n}`] ?? [Number.NaN]);
  const rows: BenchRow[] = [];
  for (const n of SIZES) {
    rows.push({
      metric: `model µs/fact @ ${n.toLocaleString("en-US")} (baseline: engine; ratio: model/engine)`,
      value: at("model", n),
      baseline: at("engine", n),
      ratio: at("model", n) / at("engine", n),
    });
    rows.push({
      metric: `matches/fact @ ${n.toLocaleString("en-US")}, model / engine`,
      value: `${matches[`model:${n}`]?.toFixed(3)} / ${matches[`engine:${n}`]?.toFixed(3)}`,
    });
  }
  const first = SIZES[0] as number;
  const last = SIZES[SIZES.length - 1] as number;
  for (const kind of KINDS) {
    rows.push({
      metric: `${kind} growth µs/fact ${first.toLocaleString("en-US")} → ${last.toLocaleString("en-US")}`,
      value: at(kind, last) / at(kind, first),
      target: "< 3",
    });
  }
  reportBench("layout-model", {
    title: `typed-array layout model vs the engine, bench:matcher's workload, ${ROUNDS} rounds of one process each`,
    rows,
    summary: { sizes: SIZES, rounds: ROUNDS, us },
  });
}

main();
