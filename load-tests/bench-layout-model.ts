/**
 * `npm run bench:layout-model` (tsx, one core): how much a typed-array layout could buy the
 * matcher (lib/layout-model.ts, a model of bench:matcher's workload, not an engine) against the
 * engine, at 1,000 and 1,000,000 monitors, timed as bench:matcher times the engine, and how low
 * any matcher could go there (lib/match-floor.ts: the bare loop plus emitting the engine's
 * matches, nothing else). They run in rounds of one fresh process each (model and engine in
 * alternating order, see bench:matcher-ab for why; the floor last, at the rate of matches the
 * engine just measured); the medians are reported, with each one's growth from 1k to 1M beside
 * the target (< 3×), and the floor's cost at the largest size over the engine's at the smallest:
 * the growth no matcher could go under on this machine. Env: SIZES (default "1000,1000000"),
 * ROUNDS (default 3), SECONDS (timed per process).
 */
import { execFileSync } from "node:child_process";
import { IndexedEngine } from "../matcher/src/engine/indexed-engine";
import { type BenchRow, reportBench } from "./lib/bench-output";
import { LayoutModel } from "./lib/layout-model";
import { MatchFloor } from "./lib/match-floor";
import { timeEngine } from "./lib/matcher-timing";
import { MonitorSource } from "./lib/matcher-workload";

const SIZES = (process.env.SIZES ?? "1000,1000000").split(",").map(Number);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const KINDS = ["model", "engine", "floor"] as const;
type Kind = (typeof KINDS)[number];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** µs per fact of one kind at n monitors, in this process, with matches per fact. */
function measure(kind: Kind, n: number, rate: number): { us: number; matches: number } {
  const source = new MonitorSource();
  let timed: ReturnType<typeof timeEngine>;
  if (kind === "floor") {
    timed = timeEngine(new MatchFloor(n, rate));
  } else if (kind === "model") {
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

function inChild(kind: Kind, n: number, rate = 0): { us: number; matches: number } {
  const out = execFileSync(process.execPath, [...process.execArgv, process.argv[1] as string], {
    env: { ...process.env, LAYOUT_CHILD: `${kind}:${n}:${rate}` },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  return JSON.parse(out.trim().split("\n").pop() as string) as { us: number; matches: number };
}

function main(): void {
  const child = process.env.LAYOUT_CHILD;
  if (child) {
    const [kind, n, rate] = child.split(":");
    console.log(JSON.stringify(measure(kind as Kind, Number(n), Number(rate))));
    return;
  }
  const us: Record<string, number[]> = {};
  const matches: Record<string, number> = {};
  for (let r = 0; r < ROUNDS; r++) {
    for (const n of SIZES) {
      const order: Kind[] = r % 2 === 0 ? ["model", "engine", "floor"] : ["engine", "model", "floor"];
      for (const kind of order) {
        const m = inChild(kind, n, matches[`engine:${n}`]);
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
      metric: `floor µs/fact @ ${n.toLocaleString("en-US")} (baseline: engine; ratio: floor/engine)`,
      value: at("floor", n),
      baseline: at("engine", n),
      ratio: at("floor", n) / at("engine", n),
    });
    rows.push({
      metric: `matches/fact @ ${n.toLocaleString("en-US")}, model / engine / floor`,
      value: [matches[`model:${n}`], matches[`engine:${n}`], matches[`floor:${n}`]]
        .map((x) => x?.toPrecision(3))
        .join(" / "),
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
  // The floor does less than any matcher must, so the engine could grow no less than this.
  rows.push({
    metric: `least possible growth: floor @ ${last.toLocaleString("en-US")} / engine @ ${first.toLocaleString("en-US")}`,
    value: at("floor", last) / at("engine", first),
    target: "< 3",
  });
  reportBench("layout-model", {
    title: `typed-array layout model and a floor vs the engine, bench:matcher's workload, ${ROUNDS} rounds of one process each`,
    rows,
    summary: { sizes: SIZES, rounds: ROUNDS, us },
  });
}

main();
