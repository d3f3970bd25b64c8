import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { unstable_readConfig } from "wrangler";
import { DB_ID } from "../../../test-fixtures/fabric-project";
import { deployConfig, readJsonc } from "../../deploy-config.mjs";
import {
  DATABASE,
  DEPLOY_ORDER,
  OPTIONAL_SECRETS,
  PLACEHOLDER_DATABASE_ID,
  QUEUES,
  REQUIRED_SECRETS,
} from "../../deploy-plan.mjs";

/**
 * The four wrangler.jsonc checked against each other and against what a deploy to a real account
 * needs (Cloudflare's documented limits; README "Deploy"): the things `wrangler deploy --dry-run`
 * cannot see because they span Workers or need the account.
 */
type Consumer = {
  queue: string;
  max_batch_size?: number;
  max_batch_timeout?: number;
  max_retries?: number;
  retry_delay?: number;
  max_concurrency?: number;
  dead_letter_queue?: string;
};
type Config = {
  name: string;
  compatibility_date: string;
  compatibility_flags?: string[];
  queues?: { producers?: { binding: string; queue: string }[]; consumers?: Consumer[] };
  durable_objects?: { bindings: { name: string; class_name: string; script_name?: string }[] };
  migrations?: { tag: string; new_sqlite_classes?: string[] }[];
  d1_databases?: { binding: string; database_name: string; database_id: string; migrations_dir: string }[];
  services?: { binding: string; service: string }[];
  workflows?: { name: string; binding: string; class_name: string }[];
  ratelimits?: { name: string }[];
  triggers?: { crons?: string[] };
  vars?: Record<string, string>;
};
const text = (w: string) => readFileSync(`${w}/wrangler.jsonc`, "utf8");
const configs = Object.fromEntries(DEPLOY_ORDER.map((w) => [w, readJsonc(text(w)) as Config]));
const workerNamed = (name: string) => DEPLOY_ORDER.find((w) => configs[w]?.name === name);
const consumers = DEPLOY_ORDER.flatMap((w) => (configs[w]?.queues?.consumers ?? []).map((c) => ({ ...c, worker: w })));
const exported = (w: string, cls: string) =>
  new RegExp(`export\\s+(class\\s+${cls}\\b|\\{[^}]*\\b${cls}\\b[^}]*\\})`).test(
    readFileSync(`${w}/src/index.ts`, "utf8"),
  );
/** Variables only tests and load tests set (SECURITY.md, "Fault switches"); never deployed. */
const TEST_SWITCHES = ["FAULTS", "SIMULATED_CREATE_LIMIT_PER_S", "MATCH_STREAM_HEARTBEAT_MS", "MATCH_FEED_RETAIN"];

describe("deploy configurations", () => {
  it("reads each wrangler.jsonc as wrangler does, and a deploy config differs only in the database id", () => {
    for (const w of DEPLOY_ORDER) {
      const mine = configs[w] as Config;
      const wranglers = unstable_readConfig({ config: `${w}/wrangler.jsonc` });
      expect([w, mine.name, mine.vars]).toEqual([w, wranglers.name, wranglers.vars]);
      const theirs: { name: string; class_name: string; script_name?: string }[] = wranglers.durable_objects.bindings;
      const key = (b: { name: string; class_name: string; script_name?: string }) =>
        `${b.name}=${b.class_name}@${b.script_name ?? ""}`;
      expect((mine.durable_objects?.bindings ?? []).map(key)).toEqual(theirs.map(key));
      expect(mine.queues ?? {}).toEqual(JSON.parse(JSON.stringify(wranglers.queues)));
      const deployed = deployConfig(text(w), "real-id") as Config;
      expect((deployed.d1_databases ?? []).every((d) => d.database_id === "real-id")).toBe(true);
      expect({ ...deployed, d1_databases: mine.d1_databases }).toEqual(mine);
    }
  });

  it("gives every queue exactly one consumer, and QUEUES (what the deploy creates) names them all", () => {
    const produced = DEPLOY_ORDER.flatMap((w) => (configs[w]?.queues?.producers ?? []).map((p) => p.queue));
    const named = [...produced, ...consumers.flatMap((c) => [c.queue, c.dead_letter_queue ?? c.queue])];
    expect([...new Set(named)].sort()).toEqual([...QUEUES].sort());
    for (const q of QUEUES) expect([q, consumers.filter((c) => c.queue === q).length]).toEqual([q, 1]);
  });

  it("keeps consumer settings within Cloudflare's documented limits, and records dead letters durably", () => {
    for (const c of consumers) {
      // Queues limits: batch ≤ 100 messages, wait ≤ 60 s, ≤ 100 retries, ≤ 250 concurrent
      // invocations, delays ≤ 24 h.
      expect(c.max_batch_size ?? 10).toBeGreaterThanOrEqual(1);
      expect(c.max_batch_size ?? 10).toBeLessThanOrEqual(100);
      expect(c.max_batch_timeout ?? 5).toBeLessThanOrEqual(60);
      expect(c.max_retries ?? 3).toBeLessThanOrEqual(100);
      expect(c.max_concurrency ?? 1).toBeLessThanOrEqual(250);
      expect(c.retry_delay ?? 0).toBeLessThanOrEqual(86_400);
      // A consumer of a main queue sets its messages aside in a DLQ, which has its own consumer.
      if (!c.queue.endsWith("-dlq")) expect(c.dead_letter_queue).toBe(`${c.queue}-dlq`);
      // A DLQ's consumer writes to D1: not the default 3 immediate retries before a dead letter is lost.
      else expect((c.max_retries ?? 3) * (c.retry_delay ?? 0)).toBeGreaterThanOrEqual(600);
    }
  });

  it("binds another Worker's Durable Object only once that Worker is deployed earlier with the class", () => {
    for (const [at, w] of DEPLOY_ORDER.entries()) {
      for (const b of configs[w]?.durable_objects?.bindings ?? []) {
        const owner = b.script_name ? workerNamed(b.script_name) : w;
        expect([w, b.name, owner]).toEqual([w, b.name, expect.any(String)]);
        const classes = (configs[owner ?? ""]?.migrations ?? []).flatMap((m) => m.new_sqlite_classes ?? []);
        expect([w, b.class_name, classes.includes(b.class_name)]).toEqual([w, b.class_name, true]);
        if (b.script_name) expect(DEPLOY_ORDER.indexOf(owner ?? "")).toBeLessThan(at);
      }
    }
  });

  it("declares each Durable Object class in one migration with a unique tag, and exports it and each Workflow class", () => {
    for (const w of DEPLOY_ORDER) {
      const migrations = configs[w]?.migrations ?? [];
      expect(new Set(migrations.map((m) => m.tag)).size).toBe(migrations.length);
      const classes = migrations.flatMap((m) => m.new_sqlite_classes ?? []);
      expect(new Set(classes).size).toBe(classes.length);
      const workflows = (configs[w]?.workflows ?? []).map((f) => f.class_name);
      for (const cls of [...classes, ...workflows]) expect([w, cls, exported(w, cls)]).toEqual([w, cls, true]);
    }
    const workflowNames = DEPLOY_ORDER.flatMap((w) => (configs[w]?.workflows ?? []).map((f) => f.name));
    expect(new Set(workflowNames).size).toBe(workflowNames.length);
  });

  it("binds services only to Workers of the fabric that exist before the first deploy (their secrets create them)", () => {
    for (const w of DEPLOY_ORDER) {
      for (const s of configs[w]?.services ?? []) {
        const createdBySecrets = (REQUIRED_SECRETS[workerNamed(s.service) ?? ""] ?? []).length > 0;
        expect([w, s.service, createdBySecrets]).toEqual([w, s.service, true]);
      }
    }
  });

  it("binds the one D1 database everywhere, with the local id the tests use and the shared migrations", () => {
    expect(DB_ID).toBe(PLACEHOLDER_DATABASE_ID);
    for (const w of ["matcher", "projector", "monitor-runtime"]) {
      expect(configs[w]?.d1_databases).toEqual([
        {
          binding: "DB",
          database_name: DATABASE,
          database_id: PLACEHOLDER_DATABASE_ID,
          migrations_dir: "../migrations",
        },
      ]);
    }
  });

  it("runs every Worker on one compatibility date and flags, one shard count, and a valid cron", () => {
    const dates = new Set(DEPLOY_ORDER.map((w) => configs[w]?.compatibility_date));
    const flags = new Set(DEPLOY_ORDER.map((w) => JSON.stringify(configs[w]?.compatibility_flags)));
    expect([dates.size, flags.size]).toEqual([1, 1]);
    expect(configs.matcher?.vars?.SHARD_COUNT).toBe(configs["monitor-runtime"]?.vars?.SHARD_COUNT);
    const field = /^(\*|\d+(-\d+)?)(\/\d+)?(,(\*|\d+(-\d+)?)(\/\d+)?)*$/;
    for (const cron of configs["monitor-runtime"]?.triggers?.crons ?? []) {
      expect(cron.split(" ").map((f) => field.test(f))).toEqual([true, true, true, true, true]);
    }
  });

  it("lists every secret the code reads in the deploy plan, README and SECURITY.md, and none in a config", () => {
    const readme = readFileSync("README.md", "utf8");
    const deploySection = readme.slice(readme.indexOf("## Deploy"), readme.indexOf("## Benchmarks"));
    const security = readFileSync("SECURITY.md", "utf8");
    for (const w of DEPLOY_ORDER) {
      const c = configs[w] as Config;
      const bound = [
        ...(c.queues?.producers ?? []).map((p) => p.binding),
        ...(c.durable_objects?.bindings ?? []).map((b) => b.name),
        ...(c.d1_databases ?? []).map((d) => d.binding),
        ...(c.services ?? []).map((s) => s.binding),
        ...(c.workflows ?? []).map((f) => f.binding),
        ...(c.ratelimits ?? []).map((r) => r.name),
        ...Object.keys(c.vars ?? {}),
      ];
      const envFields = [...readFileSync(`${w}/src/env.ts`, "utf8").matchAll(/^\s+([A-Z][A-Z0-9_]*)\??:/gm)].map(
        (m) => m[1] ?? "",
      );
      const unbound = envFields.filter((f) => !bound.includes(f) && !TEST_SWITCHES.includes(f));
      const secrets = [...(REQUIRED_SECRETS[w] ?? []), ...(OPTIONAL_SECRETS[w] ?? [])];
      expect([w, unbound.sort()]).toEqual([w, [...secrets].sort()]);
      for (const s of secrets)
        expect([w, s, deploySection.includes(s), security.includes(s)]).toEqual([w, s, true, true]);
      // Local development reads the required ones from .dev.vars (copied from the example).
      for (const s of REQUIRED_SECRETS[w] ?? [])
        expect(readFileSync(`${w}/.dev.vars.example`, "utf8")).toContain(`${s}=`);
      expect(text(w)).not.toMatch(/dev-[a-z-]*(token|secret)/);
    }
  });
});
