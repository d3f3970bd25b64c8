import { spawn } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Runs the stand-in bench, waits for its first line, sends `signal`, and resolves with its exit. */
async function interrupt(signal: NodeJS.Signals) {
  const bench = spawn(
    process.execPath,
    ["--import", "tsx", join(import.meta.dirname, "fixtures/interrupted-bench.ts")],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  const started = await new Promise<{ pid: number; dir: string; forgotten: string }>((resolve, reject) => {
    bench.stdout.on("data", (d) => {
      out += String(d);
      if (out.includes("\n")) resolve(JSON.parse(out.split("\n")[0] ?? ""));
    });
    bench.on("exit", () => reject(new Error(`the stand-in bench exited early: ${out}`)));
  });
  expect(alive(started.pid)).toBe(true);
  const exited = new Promise<number | null>((resolve) => bench.on("exit", (code) => resolve(code)));
  bench.kill(signal);
  return { ...started, code: await exited };
}

// An interrupted bench must not leave workerd running or its state in /dev/shm (its wrangler runs
// in a process group of its own, which a Ctrl-C at the terminal does not reach).
describe("bench interrupt cleanup", () => {
  it("on Ctrl-C kills the registered process group, removes the state and exits 130", async () => {
    const r = await interrupt("SIGINT");
    expect(r.code).toBe(130);
    await expect.poll(() => alive(r.pid), { timeout: 2000 }).toBe(false);
    expect(existsSync(r.dir)).toBe(false);
    // A cleanup the bench already did itself (unregistered) does not run again.
    expect(existsSync(r.forgotten)).toBe(true);
    rmSync(r.forgotten, { recursive: true, force: true });
  }, 30_000);

  it("does the same on SIGTERM, exiting 143", async () => {
    const r = await interrupt("SIGTERM");
    expect(r.code).toBe(143);
    await expect.poll(() => alive(r.pid), { timeout: 2000 }).toBe(false);
    expect(existsSync(r.dir)).toBe(false);
    rmSync(r.forgotten, { recursive: true, force: true });
  }, 30_000);
});
