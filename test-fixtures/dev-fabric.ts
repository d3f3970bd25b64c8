import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * `npm run dev` itself (scripts/dev.mjs: every Worker in one wrangler/workerd process) on a free
 * loopback port with a throwaway state folder, for Node tests that hold the fabric to what a
 * developer runs (the README walkthrough, the browser tests). It runs in its own process group,
 * so `stop()` ends wrangler and workerd too, and it is killed should the test process exit first.
 * Resolves once `/healthz` answers 200; rejects with the fabric's last output otherwise.
 *
 * @example const fabric = await startDevFabric(); await fetch(`${fabric.base}/healthz`); await fabric.stop();
 */
export type DevFabric = {
  /** e.g. `http://127.0.0.1:40123` */
  base: string;
  /** Its local state folder (`--persist-to`), for a test that must write what no route writes. */
  stateDir?: string;
  stop: () => Promise<void>;
};

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function healthy(url: string, dev: ChildProcess, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (dev.exitCode !== null) return false;
    try {
      if ((await fetch(url)).ok) return true;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

export async function startDevFabric(opts: { readyTimeoutMs?: number } = {}): Promise<DevFabric> {
  // A free port is only free until someone binds it: with several fabrics and test pools starting
  // at once, another may take it between our probe and wrangler's bind. Then try a new port.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnFreePort(opts);
    } catch (err) {
      if (attempt >= 3 || !String(err).includes("Address already in use")) throw err;
    }
  }
}

async function startOnFreePort(opts: { readyTimeoutMs?: number }): Promise<DevFabric> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  // In RAM where the machine has it: local Durable Object storage fsyncs on the runtime's thread.
  const stateDir = mkdtempSync(join(existsSync("/dev/shm") ? "/dev/shm" : tmpdir(), "fabric-dev-"));
  let log = "";
  const dev = spawn(process.execPath, ["scripts/dev.mjs", "--log-level", "error"], {
    env: { ...process.env, PORT: String(port), PERSIST_TO: stateDir },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const keep = (d: unknown) => {
    log = (log + String(d)).slice(-4000);
  };
  dev.stdout?.on("data", keep);
  dev.stderr?.on("data", keep);
  const pid = dev.pid;
  const kill = () => {
    try {
      if (pid) process.kill(-pid, "SIGKILL");
    } catch {}
  };
  process.once("exit", kill);

  const stop = async () => {
    process.off("exit", kill);
    if (pid && dev.exitCode === null) {
      const exited = new Promise((r) => dev.once("exit", r));
      try {
        process.kill(-pid, "SIGTERM");
      } catch {}
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      kill();
    }
    rmSync(stateDir, { recursive: true, force: true });
  };

  if (!(await healthy(`${base}/healthz`, dev, opts.readyTimeoutMs ?? 90_000))) {
    await stop();
    throw new Error(`npm run dev did not become healthy:\n${log}`);
  }
  return { base, stateDir, stop };
}
