import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { prepareLocal, quietEnv, WORKERS } from "../../scripts/prepare-local.mjs";
import { exitIfInterrupted, killGroupAndRemove, onInterrupt } from "./interrupt-cleanup";

/**
 * Starts the whole fabric (every Worker, one wrangler/workerd process) on a free loopback port
 * with a fresh persisted state directory, for benchmarks that must be repeatable. With BASE set,
 * uses that running fabric instead (e.g. one started by `npm run dev`).
 *
 * @example const fabric = await startFabric(); …; await fabric.stop();
 */
export type Fabric = {
  base: string;
  stop: () => Promise<void>;
  /** SIGKILL the whole local runtime (wrangler and workerd), leaving its persisted state as it is. */
  kill: () => void;
  process?: ChildProcess;
  persistTo?: string;
};

/**
 * X_LOCAL_OBSERVABILITY off: wrangler's local trace collector (on by default in `wrangler dev`)
 * streams every invocation of every Worker to a collector Worker in the same process, ~10 % of
 * its CPU under load (perf). It is a development aid, not part of the fabric; `npm run dev` keeps
 * it. Set X_LOCAL_OBSERVABILITY=true to measure with it.
 */
const quiet = { ...quietEnv, X_LOCAL_OBSERVABILITY: process.env.X_LOCAL_OBSERVABILITY ?? "false" };

/** Per-Worker variable overrides, e.g. `{ matcher: { NOTIFY_URL: "http://127.0.0.1:9000/notify" } }`. */
export type WorkerVars = Partial<Record<(typeof WORKERS)[number], Record<string, string>>>;

/**
 * A load-test configuration of a Worker: its wrangler.jsonc pointed at its deploy bundle
 * (`dist/<worker>/index.js`, built first by `npm run build:aux`) so that edits to the sources do
 * not restart the fabric mid-run, with some vars overridden. Written next to the original
 * (git-ignored) so relative paths hold. Fault switches only ever reach a Worker this way.
 */
function loadTestConfig(worker: string, vars: Record<string, string> | undefined, bundles: string): string {
  const text = readFileSync(`${worker}/wrangler.jsonc`, "utf8")
    .split("\n")
    .filter((line) => !line.trimStart().startsWith("//"))
    .map((line) => line.replace(/\s\/\/ .*$/, ""))
    .join("\n");
  const config = JSON.parse(text) as { vars?: Record<string, string>; main?: string; no_bundle?: boolean };
  config.vars = { ...config.vars, ...vars };
  // A private copy of the bundle: a later `npm run build:aux` elsewhere cannot restart this fabric.
  mkdirSync(join(bundles, worker), { recursive: true });
  copyFileSync(`dist/${worker}/index.js`, join(bundles, worker, "index.js"));
  config.main = join(bundles, worker, "index.js");
  config.no_bundle = true;
  const out = `${worker}/wrangler.load-test.json`;
  writeFileSync(out, JSON.stringify(config, null, 2));
  return out;
}

/**
 * Where a run's throwaway state lives: in RAM (/dev/shm) where the machine has it, unless
 * FABRIC_STATE=disk. Why: local Durable Object storage fsyncs its SQLite WAL on the runtime's one
 * event-loop thread, and on this VM's disk an fsync under write load took 20–140 ms (`perf trace`
 * on workerd); each one paused every Worker, and at 10,000 facts/s 17–23 % of pushes took over
 * 60 ms for that alone (0–2 of 1,500 with the state in RAM). That is this machine's disk, not the
 * fabric: deployed, Durable Object storage does not fsync on the isolate's thread. `npm run dev`
 * keeps its state on disk (.wrangler/state).
 */
export function stateRoot(): string {
  return process.env.FABRIC_STATE !== "disk" && existsSync("/dev/shm") ? "/dev/shm" : tmpdir();
}

export async function startFabric(
  opts: { port?: number; persistTo?: string; vars?: WorkerVars } = {},
): Promise<Fabric> {
  if (process.env.BASE) return { base: process.env.BASE, stop: async () => {}, kill: () => {} };
  const port = opts.port ?? 18_000 + Math.floor(Math.random() * 2000);
  const persistTo = opts.persistTo ?? mkdtempSync(join(stateRoot(), "fabric-bench-"));
  // Until wrangler runs (its own cleanup covers the folder then), a Ctrl-C removes the folder made here.
  const forget = opts.persistTo ? () => {} : onInterrupt(() => killGroupAndRemove(undefined, persistTo));
  // Ctrl-C during these steps reaches the child (same group) and ends it: stop, not "failed".
  const prepared = prepareLocal(persistTo, { env: quiet });
  exitIfInterrupted(prepared.status);
  if (prepared.status !== 0) throw new Error(`migrations failed: ${prepared.output}`);
  const build = spawnSync("node", ["scripts/deploy-dry-run.mjs"], { env: quiet, encoding: "utf8" });
  exitIfInterrupted(build.status);
  if (build.status !== 0) throw new Error(`bundling the Workers failed: ${build.stdout}${build.stderr}`);
  forget();
  const configs = WORKERS.map((w) => loadTestConfig(w, opts.vars?.[w], join(persistTo, "bundles")));
  return wranglerDev(configs, { port, persistTo, keepState: opts.persistTo !== undefined, healthPath: "/healthz" });
}

/**
 * bench:ingest's floor: a minimal Worker (load-tests/floor-worker) under the same wrangler dev, to
 * measure what the local runtime alone costs per push. Never reads BASE.
 */
export async function startFloor(): Promise<Fabric> {
  const port = 18_000 + Math.floor(Math.random() * 2000);
  const persistTo = mkdtempSync(join(stateRoot(), "fabric-floor-"));
  return wranglerDev(["load-tests/floor-worker/wrangler.jsonc"], {
    port,
    persistTo,
    keepState: false,
    healthPath: "/",
  });
}

/** `wrangler dev` over some configs (one workerd process), resolved once healthPath answers 2xx. */
async function wranglerDev(
  configs: string[],
  o: { port: number; persistTo: string; keepState: boolean; healthPath: string },
): Promise<Fabric> {
  const { port, persistTo } = o;
  const args = [
    "wrangler",
    "dev",
    "--ip",
    "127.0.0.1",
    "--port",
    String(port),
    "--persist-to",
    persistTo,
    "--log-level",
    process.env.FABRIC_LOG ? "log" : "error",
  ];
  for (const c of configs) args.push("-c", c);
  const child = spawn("npx", args, { env: quiet, stdio: ["ignore", "pipe", "pipe"], detached: true });
  // Detached (its own group, so stop() reaches workerd too), so a Ctrl-C does not reach it: an
  // interrupted bench kills it and removes the state it did not ask to keep.
  const forget = onInterrupt(() => killGroupAndRemove(child.pid, o.keepState ? undefined : persistTo));
  let log = "";
  child.stdout?.on("data", (d) => {
    log = (log + String(d)).slice(-4000);
    if (process.env.FABRIC_LOG) process.stderr.write(String(d));
  });
  child.stderr?.on("data", (d) => {
    log = (log + String(d)).slice(-4000);
    if (process.env.FABRIC_LOG) process.stderr.write(String(d));
  });
  const base = `http://127.0.0.1:${port}`;
  const kill = () => {
    killGroupAndRemove(child.pid);
    forget();
  };
  const stop = async () => {
    if (child.pid) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {}
    }
    await new Promise((r) => setTimeout(r, 500));
    if (!o.keepState) rmSync(persistTo, { recursive: true, force: true });
    forget();
  };
  const until = Date.now() + 90_000;
  while (Date.now() < until) {
    try {
      const res = await fetch(`${base}${o.healthPath}`);
      if (res.ok) return { base, stop, kill, process: child, persistTo };
    } catch {}
    await new Promise((r) => setTimeout(r, 300));
  }
  await stop();
  throw new Error(`wrangler dev did not become healthy on ${base}:\n${log}`);
}
