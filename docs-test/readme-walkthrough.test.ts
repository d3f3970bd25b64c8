import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { describe, expect, inject, it } from "vitest";
import type { z } from "zod";
import { PushFactsBodySchema } from "../shared/src/facts";
import { MonitorBodySchema } from "../shared/src/monitor";
import { FirePolicySchema, PredicateSchema, predicateLimitIssues } from "../shared/src/predicate";
import { isRead, jsonExamples, outputMatches, walkthroughSteps } from "./walkthrough";

/**
 * The README's first-five-minutes walkthrough, run as written: `npm run dev` itself
 * (test-fixtures/dev-fabric.ts: on a free port and a throwaway state folder, started once for the
 * project by test-fixtures/dev-fabric-setup.ts), then every `bash walkthrough` command of
 * README.md with bash (after its block's `export` lines), its output compared with the `# →` lines
 * shown under it; the CLI's walkthrough runs `npx fabric` itself. A read is retried for a while,
 * since a match appears only after the queue, the shard and its outbox. The README's JSON examples are parsed with the schemas they name. So the
 * README cannot drift from the fabric. Tokens are the documented dev tokens (each Worker's
 * .dev.vars.example).
 */
const README = readFileSync("README.md", "utf8");
const DOCUMENTED = "http://127.0.0.1:8787";
const READ_RETRY_MS = 20_000;
const run = promisify(execFile);

const base = inject("devFabricBase");

describe("README.md", () => {
  const steps = walkthroughSteps(README);

  it("has a walkthrough whose every command shows its output", () => {
    expect(steps.length).toBeGreaterThanOrEqual(6);
    for (const s of steps) expect(s.expected, `README line ${s.line}: ${s.command}`).not.toEqual([]);
  });

  it("walkthrough: every command prints what the README shows", async () => {
    for (const step of steps) {
      const command = `${step.setup}${step.command}`.replaceAll(DOCUMENTED, base);
      const until = Date.now() + (isRead(command) ? READ_RETRY_MS : 0);
      let output = "";
      for (;;) {
        const r = await run("bash", ["-c", command], { timeout: 30_000 }).catch((e: { stdout?: string }) => e);
        output = String(r.stdout ?? "");
        if (outputMatches(step.expected, output) || Date.now() > until) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      if (!outputMatches(step.expected, output)) {
        expect(output.trim(), `README line ${step.line}: ${step.command}`).toBe(step.expected.join("\n"));
      }
    }
  }, 240_000);

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
