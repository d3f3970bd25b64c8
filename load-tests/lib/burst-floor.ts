import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { quietEnv } from "../../scripts/prepare-local.mjs";
import { guardRuntime, runtimeCpuSeconds } from "./burst-process";
import { killGroupAndRemove, onInterrupt } from "./interrupt-cleanup";
import { stateRoot } from "./local-fabric";

/**
 * load:burst's floor: the minimal Workflow Worker (load-tests/workflow-floor) under `wrangler dev`
 * — the same wrangler and workerd from node_modules, the same flags and local-observability
 * setting as the fabric's run (load-tests/lib/local-fabric.ts) — asked to create K instances of a
 * one-step workflow. It runs in its own process, before the fabric starts, so the two never share
 * the machine's two cores: the floor is what the runtime allows on its own.
 *
 * @example const floor = await measureFloor(1000); floor.createsPerSec
 */
export type FloorResult = {
  k: number;
  mode: "batch" | "single";
  /** Instances created per second: K ÷ (last creation call returned − first began), in the runtime. */
  createsPerSec: number;
  /** Instances completed per second: completed ÷ (last completion − first creation call began). */
  completionsPerSec: number;
  createSeconds: number;
  completeSeconds: number;
  created: number;
  completed: number;
  /** CPU ms of the whole local runtime (wrangler, workerd) per instance, from the first creation to the last completion. */
  cpuMsPerInstance: number;
  errors: string[];
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function measureFloor(
  k: number,
  opts: { mode?: "batch" | "single"; concurrency?: number; timeoutMs?: number; minFreeMb?: number } = {},
): Promise<FloorResult> {
  const mode = opts.mode ?? "batch";
  const persistTo = mkdtempSync(join(stateRoot(), "burst-floor-"));
  const guard = guardRuntime(persistTo, opts.minFreeMb);
  const floor = await startWorkflowFloor(persistTo, () => guard.reason).catch((err: unknown) => {
    guard.kill();
    guard.release();
    rmSync(persistTo, { recursive: true, force: true });
    throw guard.reason ? new Error(guard.reason) : err;
  });
  try {
    const create = async (run: string, from: number, count: number) => {
      const res = await fetch(`${floor.base}/create`, {
        method: "POST",
        body: JSON.stringify({ run, from, count, mode }),
      });
      if (!res.ok) throw new Error(`floor /create answered ${res.status}: ${await res.text()}`);
      return (await res.json()) as { created: number; errors: string[]; startedAt: number; endedAt: number };
    };
    const progress = async (run: string) =>
      (await (await fetch(`${floor.base}/runs/${run}`)).json()) as { completed: number; lastAt: number | null };
    // Warm-up: the first instance pays for isolates and storage setup that a burst does not.
    await create("warm", 0, 1);
    for (let i = 0; i < 100 && (await progress("warm")).completed < 1; i++) await sleep(100);

    const run = `k${k}`;
    const errors: string[] = [];
    // Spans in the runtime's own clock, from the first creation call's start: the hop from this
    // process through wrangler's proxy is not the runtime's (and it answers late under load).
    const cpu0 = runtimeCpuSeconds(floor.pgid);
    let t0 = Number.POSITIVE_INFINITY;
    let createdAt = 0;
    let created = 0;
    let next = 0;
    const worker = async () => {
      while (next < k) {
        const from = next;
        const count = Math.min(100, k - from);
        next += count;
        const r = await create(run, from, count);
        errors.push(...r.errors);
        created += r.created;
        t0 = Math.min(t0, r.startedAt);
        createdAt = Math.max(createdAt, r.endedAt);
      }
    };
    await Promise.all(Array.from({ length: opts.concurrency ?? 4 }, worker));
    const deadline = Date.now() + (opts.timeoutMs ?? 60_000 + k * 50);
    let p = await progress(run);
    while (p.completed < k && Date.now() < deadline && !guard.reason) {
      await sleep(250);
      p = await progress(run);
    }
    if (guard.reason) throw new Error(guard.reason);
    const cpuMsPerInstance = ((runtimeCpuSeconds(floor.pgid) - cpu0) * 1000) / k;
    // At least a millisecond: the runtime's clock only moves between I/O events.
    const completeSeconds = Math.max(1, (p.lastAt ?? Date.now()) - t0) / 1000;
    const createSeconds = Math.max(1, createdAt - t0) / 1000;
    return {
      k,
      mode,
      createsPerSec: Math.round(created / createSeconds),
      completionsPerSec: Math.round(p.completed / completeSeconds),
      createSeconds,
      completeSeconds,
      created,
      completed: p.completed,
      cpuMsPerInstance: Math.round(cpuMsPerInstance * 10) / 10,
      errors: errors.slice(0, 5),
    };
  } catch (err) {
    throw guard.reason ? new Error(guard.reason) : err;
  } finally {
    await floor.stop();
    guard.release();
  }
}

/** `wrangler dev` of the floor Worker on a free loopback port, with throwaway state; resolved once it answers. */
async function startWorkflowFloor(
  persistTo: string,
  stopped: () => string | undefined,
): Promise<{ base: string; pgid?: number; stop: () => Promise<void> }> {
  const port = 18_000 + Math.floor(Math.random() * 2000);
  const env = { ...quietEnv, X_LOCAL_OBSERVABILITY: process.env.X_LOCAL_OBSERVABILITY ?? "false" };
  const args = ["wrangler", "dev", "--ip", "127.0.0.1", "--port", String(port), "--persist-to", persistTo];
  args.push("--log-level", process.env.FABRIC_LOG ? "log" : "error", "-c", "load-tests/workflow-floor/wrangler.jsonc");
  const child = spawn("npx", args, { env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const forget = onInterrupt(() => killGroupAndRemove(child.pid, persistTo));
  let log = "";
  const keep = (d: unknown) => {
    log = (log + String(d)).slice(-4000);
    if (process.env.FABRIC_LOG) process.stderr.write(String(d));
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const stop = async () => {
    try {
      if (child.pid) process.kill(-child.pid, "SIGTERM");
    } catch {}
    await sleep(500);
    rmSync(persistTo, { recursive: true, force: true });
    forget();
  };
  const base = `http://127.0.0.1:${port}`;
  for (const until = Date.now() + 90_000; Date.now() < until && !stopped(); await sleep(300)) {
    try {
      if ((await fetch(base)).ok) return { base, pgid: child.pid, stop };
    } catch {}
  }
  await stop();
  throw new Error(`the workflow floor did not start on ${base}:\n${log}`);
}
