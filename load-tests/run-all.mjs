#!/usr/bin/env node
// `npm run bench`: every benchmark in sequence (each prints its table, writes
// load-tests/results/<bench>.json and ends with one JSON line), then one summary line.
// The end-to-end load runs 20 s per rate here to stay within 15 minutes; `npm run load:e2e`
// runs the full 60 s per rate.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

const steps = [
  ["bench:matcher", {}],
  ["bench:replay", {}],
  ["bench:ingest", {}],
  ["bench:shard", {}],
  ["load:e2e", { DURATION: process.env.DURATION ?? "20" }],
  // 10,000 does not fit this machine's open-file limit locally (load-tests/README.md).
  ["load:burst", { MONITORS: process.env.MONITORS ?? "1000" }],
];
const started = Date.now();
const summary = {};
for (const [script, env] of steps) {
  const t = Date.now();
  console.log(`\n=== npm run ${script}`);
  const r = spawnSync("npm", ["run", "-s", script], { stdio: "inherit", env: { ...process.env, ...env } });
  summary[script] = { exit: r.status, seconds: Math.round((Date.now() - t) / 1000) };
}
for (const name of ["matcher", "replay", "ingest", "shard", "e2e", "burst"]) {
  try {
    const { rows, bench, title, measuredAt, ...figures } = JSON.parse(
      readFileSync(`load-tests/results/${name}.json`, "utf8"),
    );
    summary[name] = figures;
  } catch {}
}
console.log(JSON.stringify({ bench: "all", seconds: Math.round((Date.now() - started) / 1000), ...summary }));
process.exit(Object.values(summary).some((s) => s.exit && s.exit !== 0) ? 1 : 0);
