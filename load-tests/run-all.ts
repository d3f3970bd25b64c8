/**
 * `npm run bench`: every benchmark in sequence (each prints its table, writes
 * load-tests/results/<bench>.json and ends with one JSON line), then one summary line with each
 * step's exit, seconds and the figures it wrote in this run (lib/run-all-summary.ts). Exits
 * non-zero when a step failed. The end-to-end load runs 20 s per rate here to stay within
 * 15 minutes (`npm run load:e2e` runs 60 s); the other knobs in the environment reach every step.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { type StepRun, summarize } from "./lib/run-all-summary";

const steps: [script: string, result: string, env: Record<string, string>][] = [
  ["bench:matcher", "matcher", {}],
  ["bench:replay", "replay", {}],
  ["bench:ingest", "ingest", {}],
  ["bench:shard", "shard", {}],
  ["load:e2e", "e2e", { DURATION: process.env.DURATION ?? "20" }],
  // 10,000 does not fit this machine's open-file limit locally (load-tests/README.md).
  ["load:burst", "burst", { MONITORS: process.env.MONITORS ?? "1000" }],
];
const started = Date.now();
const runs: StepRun[] = [];
for (const [script, result, env] of steps) {
  console.log(`\n=== npm run ${script}`);
  const startedAt = Date.now();
  const r = spawnSync("npm", ["run", "-s", script], { stdio: "inherit", env: { ...process.env, ...env } });
  runs.push({ script, result, status: r.status, signal: r.signal, startedAt, endedAt: Date.now() });
  // Ctrl-C reaches the step and this process alike: stop here rather than start the next step.
  if (r.signal === "SIGINT" || r.status === 130) process.exit(130);
}
const { ok, steps: summary } = summarize(runs, (name) => {
  try {
    return JSON.parse(readFileSync(`load-tests/results/${name}.json`, "utf8")) as Record<string, unknown>;
  } catch {
    return undefined;
  }
});
console.log(JSON.stringify({ bench: "all", seconds: Math.round((Date.now() - started) / 1000), ok, ...summary }));
process.exit(ok ? 0 : 1);
