import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Starts the whole fabric (every Worker, one wrangler/workerd process) on a free loopback port
 * with a fresh persisted state directory, for benchmarks that must be repeatable. With BASE set,
 * uses that running fabric instead (e.g. one started by `npm run dev`).
 *
 * @example const fabric = await startFabric(); …; await fabric.stop();
 */
export type Fabric = { base: string; stop: () => Promise<void>; process?: ChildProcess; persistTo?: string };

const WORKERS = ["ingest", "monitor-runtime", "matcher", "projector"];
const quiet = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" };

export async function startFabric(
  opts: { port?: number; persistTo?: string; vars?: Record<string, string> } = {},
): Promise<Fabric> {
  if (process.env.BASE) return { base: process.env.BASE, stop: async () => {} };
  const port = opts.port ?? 18_000 + Math.floor(Math.random() * 2000);
  const persistTo = opts.persistTo ?? mkdtempSync(join(tmpdir(), "fabric-bench-"));
  for (const w of WORKERS) {
    if (!existsSync(`${w}/.dev.vars`) && existsSync(`${w}/.dev.vars.example`))
      copyFileSync(`${w}/.dev.vars.example`, `${w}/.dev.vars`);
  }
  const migrate = spawnSync(
    "npx",
    [
      "wrangler",
      "d1",
      "migrations",
      "apply",
      "DB",
      "--local",
      "--persist-to",
      persistTo,
      "-c",
      "monitor-runtime/wrangler.jsonc",
    ],
    { env: quiet, encoding: "utf8" },
  );
  if (migrate.status !== 0) throw new Error(`migrations failed: ${migrate.stderr}`);
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
    "error",
  ];
  for (const [k, v] of Object.entries(opts.vars ?? {})) args.push("--var", `${k}:${v}`);
  for (const w of WORKERS) args.push("-c", `${w}/wrangler.jsonc`);
  const child = spawn("npx", args, { env: quiet, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let log = "";
  child.stdout?.on("data", (d) => {
    log = (log + String(d)).slice(-4000);
  });
  child.stderr?.on("data", (d) => {
    log = (log + String(d)).slice(-4000);
  });
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.pid) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {}
    }
    await new Promise((r) => setTimeout(r, 500));
    if (!opts.persistTo) rmSync(persistTo, { recursive: true, force: true });
  };
  const until = Date.now() + 90_000;
  while (Date.now() < until) {
    try {
      const res = await fetch(`${base}/healthz`);
      if (res.ok) return { base, stop, process: child, persistTo };
    } catch {}
    await new Promise((r) => setTimeout(r, 300));
  }
  await stop();
  throw new Error(`the fabric did not become healthy on ${base}:\n${log}`);
}
