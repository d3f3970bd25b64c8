import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { PushFactsBodySchema } from "../shared/src/facts";
import { MonitorBodySchema } from "../shared/src/monitor";
import { FirePolicySchema, PredicateSchema, predicateLimitIssues } from "../shared/src/predicate";
import { isRead, jsonExamples, outputMatches, walkthroughSteps } from "./walkthrough";

/**
 * The README's first-five-minutes walkthrough, run as written: `npm run dev` itself
 * (scripts/dev.mjs, on a free port and a throwaway state folder), then every `bash walkthrough`
 * command of README.md with bash, its output compared with the `# →` lines shown under it. A read
 * is retried for a while, since a match appears only after the queue, the shard and its outbox.
 * The README's JSON examples are parsed with the schemas they name. So the README cannot drift
 * from the fabric. Tokens are the documented dev tokens (each Worker's .dev.vars.example).
 */
const README = readFileSync("README.md", "utf8");
const DOCUMENTED = "http://127.0.0.1:8787";
const READ_RETRY_MS = 20_000;
const run = promisify(execFile);

let dev: ChildProcess | undefined;
let base = "";
let stateDir = "";
let killOnExit: (() => void) | undefined;

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

async function healthy(url: string, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (dev?.exitCode !== null) return false;
    try {
      if ((await fetch(url)).ok) return true;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  stateDir = mkdtempSync(join(existsSync("/dev/shm") ? "/dev/shm" : tmpdir(), "fabric-readme-"));
  let log = "";
  // Its own process group, so that stopping it stops wrangler and workerd too.
  dev = spawn(process.execPath, ["scripts/dev.mjs", "--log-level", "error"], {
    env: { ...process.env, PORT: String(port), PERSIST_TO: stateDir },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  // Should the test run itself be killed, the fabric goes with it.
  const pid = dev.pid;
  killOnExit = () => {
    try {
      if (pid) process.kill(-pid, "SIGKILL");
    } catch {}
  };
  process.once("exit", killOnExit);
  dev.stdout?.on("data", (d) => {
    log = (log + String(d)).slice(-4000);
  });
  dev.stderr?.on("data", (d) => {
    log = (log + String(d)).slice(-4000);
  });
  if (!(await healthy(`${base}/healthz`, 90_000))) throw new Error(`npm run dev did not become healthy:\n${log}`);
}, 100_000);

afterAll(async () => {
  if (killOnExit) process.off("exit", killOnExit);
  const pid = dev?.pid;
  if (pid && dev?.exitCode === null) {
    const exited = new Promise((r) => dev?.once("exit", r));
    process.kill(-pid, "SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
    try {
      process.kill(-pid, "SIGKILL");
    } catch {}
  }
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

describe("README.md", () => {
  const steps = walkthroughSteps(README);

  it("has a walkthrough whose every command shows its output", () => {
    expect(steps.length).toBeGreaterThanOrEqual(6);
    for (const s of steps) expect(s.expected, `README line ${s.line}: ${s.command}`).not.toEqual([]);
  });

  it("walkthrough: every command prints what the README shows", async () => {
    for (const step of steps) {
      const command = step.command.replaceAll(DOCUMENTED, base);
      const until = Date.now() + (isRead(command) ? READ_RETRY_MS : 0);
      let output = "";
      for (;;) {
        const r = await run("bash", ["-c", command], { timeout: 15_000 }).catch((e: { stdout?: string }) => e);
        output = String(r.stdout ?? "");
        if (outputMatches(step.expected, output) || Date.now() > until) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      if (!outputMatches(step.expected, output)) {
        expect(output.trim(), `README line ${step.line}: ${step.command}`).toBe(step.expected.join("\n"));
      }
    }
  }, 120_000);

  it("shows JSON examples that the schemas they name accept", () => {
    const schemas: Record<string, z.ZodType> = {
      predicate: PredicateSchema,
      monitor: MonitorBodySchema,
      facts: PushFactsBodySchema,
      fire: FirePolicySchema,
    };
    const examples = jsonExamples(README);
    expect(examples.length).toBeGreaterThan(0);
    for (const ex of examples) {
      const schema = schemas[ex.schema];
      expect(schema, `README line ${ex.line}: unknown schema ${ex.schema}`).toBeDefined();
      const parsed = schema?.safeParse(JSON.parse(ex.text));
      expect(parsed?.error?.issues ?? [], `README line ${ex.line}`).toEqual([]);
      if (ex.schema === "predicate") expect(predicateLimitIssues(parsed?.data as never)).toEqual([]);
    }
  });
});
