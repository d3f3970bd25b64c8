#!/usr/bin/env node
// `npm run deploy`: the whole fabric to the Cloudflare account wrangler is logged in to, in one
// idempotent command: creates the queues and the D1 database that are missing (writing its id
// into the four configs), applies the remote migrations, checks the required secrets are set
// (naming any that are not, never printing one) and deploys the Workers in dependency order.
// `npm run deploy -- --dry-run` prints the plan for an empty account and bundles every Worker
// without a network (CI runs it).
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { DATABASE, deployPlan, PLACEHOLDER_DATABASE_ID, QUEUES, REQUIRED_SECRETS } from "./deploy-plan.mjs";

const WORKERS = Object.keys(REQUIRED_SECRETS);
const env = { ...process.env, WRANGLER_SEND_METRICS: "false" };
const dryRun = process.argv.includes("--dry-run");
// `--zone api.example.com` (or FABRIC_ZONE): deploy each Worker with its path routes on that zone.
const zoneAt = process.argv.indexOf("--zone");
const zone = (zoneAt >= 0 ? process.argv[zoneAt + 1] : undefined) ?? process.env.FABRIC_ZONE;

function wrangler(args, { quiet = false } = {}) {
  const r = spawnSync("npx", ["wrangler", ...args], { env, encoding: "utf8" });
  if (!quiet && r.status !== 0) process.stderr.write(`${r.stdout ?? ""}${r.stderr ?? ""}`);
  return r;
}

function configDatabaseId() {
  const m = /"database_id":\s*"([^"]+)"/.exec(readFileSync("monitor-runtime/wrangler.jsonc", "utf8"));
  return m?.[1] ?? PLACEHOLDER_DATABASE_ID;
}

function writeDatabaseId(id) {
  for (const w of WORKERS) {
    const file = `${w}/wrangler.jsonc`;
    writeFileSync(file, readFileSync(file, "utf8").replace(/("database_id":\s*")[^"]+(")/, `$1${id}$2`));
  }
}

/** What exists on the account: queues (each asked by name), the database, each Worker's secret names. */
function discover() {
  const queues = QUEUES.filter((q) => wrangler(["queues", "info", q], { quiet: true }).status === 0);
  const list = wrangler(["d1", "list", "--json"]);
  if (list.status !== 0) throw new Error("wrangler d1 list failed: run `npx wrangler login` first");
  const db = JSON.parse(list.stdout).find((d) => d.name === DATABASE);
  const secrets = {};
  for (const w of WORKERS) {
    const r = wrangler(["secret", "list", "--format", "json", "-c", `${w}/wrangler.jsonc`], { quiet: true });
    // A Worker never deployed has no secrets yet (and wrangler says the script does not exist).
    secrets[w] = r.status === 0 ? JSON.parse(r.stdout).map((s) => s.name) : [];
  }
  return { queues, databaseId: db?.uuid ?? null, configDatabaseId: configDatabaseId(), secrets };
}

if (dryRun) {
  const { steps } = deployPlan(
    { queues: [], databaseId: null, configDatabaseId: configDatabaseId(), secrets: {} },
    { zone },
  );
  console.log("deploy plan for an account with nothing on it yet (each step is skipped when done):");
  for (const s of steps) console.log(`  - ${s.what}${s.command ? `   (wrangler ${s.command.join(" ")})` : ""}`);
  console.log(
    `  required secrets: ${Object.entries(REQUIRED_SECRETS)
      .map(([w, n]) => `${w}: ${n.join(", ")}`)
      .join("; ")}`,
  );
  const bundle = spawnSync("node", ["scripts/deploy-dry-run.mjs"], { stdio: "inherit", env });
  process.exit(bundle.status ?? 1);
}

const plan = deployPlan(discover(), { zone });
if (plan.missingSecrets.length > 0) {
  console.error(`Set these secrets first, then run npm run deploy again (nothing was changed):`);
  for (const s of plan.missingSecrets) {
    const [w, name] = s.split(" ");
    console.error(`  npx wrangler secret put ${name} -c ${w}/wrangler.jsonc`);
  }
  process.exit(1);
}
for (const step of plan.steps) {
  console.log(`→ ${step.what}`);
  if (step.command === null) {
    writeDatabaseId(discover().databaseId ?? PLACEHOLDER_DATABASE_ID);
    continue;
  }
  const r = wrangler(step.command);
  if (r.status !== 0) {
    console.error(`failed: ${step.what}; fix the cause and run npm run deploy again (done steps are skipped)`);
    process.exit(r.status ?? 1);
  }
}
console.log(
  zone
    ? `deployed: every route answers on https://${zone} (try https://${zone}/healthz)`
    : "deployed on workers.dev; run again with --zone <host> to put every Worker's path routes on your zone",
);
