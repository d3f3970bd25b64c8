import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { exitIfInterrupted } from "./interrupt-cleanup";

/**
 * Runs one bench test file in workerd (the Workers vitest pool, load-tests/vitest.bench.config.ts)
 * and returns the JSON of the `BENCH {…}` line it prints; throws with its output when it printed none.
 *
 * @example const r = runWorkerdBench<{ factsPerSec: number }>("shard-bench");
 */
export function runWorkerdBench<T>(name: string): T {
  const run = spawnSync(
    "npx",
    ["vitest", "run", "--config", join(import.meta.dirname, "..", "vitest.bench.config.ts"), name],
    {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  exitIfInterrupted(run.status);
  const line = `${run.stdout}\n${run.stderr}`.split("\n").find((l) => l.includes("BENCH {"));
  if (!line) {
    console.error(run.stdout.slice(-4000), run.stderr.slice(-4000));
    throw new Error(`the ${name} bench printed no result`);
  }
  return JSON.parse(line.slice(line.indexOf("{"))) as T;
}
