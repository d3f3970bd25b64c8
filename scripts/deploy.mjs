#!/usr/bin/env node
// `npm run deploy`: the whole fabric to the Cloudflare account wrangler is logged in to, in one
// idempotent command: builds ingest's static assets, creates the queues and the D1 database that
// are missing, writes each Worker's deploy configuration (its wrangler.jsonc with the database's
// real id, as <worker>/wrangler.deploy.json; the committed files are never edited), applies the
// remote migrations, checks the required secrets are set (naming any that are not, never printing
// one) and deploys the Workers in dependency order. A failed step stops the run; running it again
// skips what is done. `npm run deploy -- --dry-run` prints the plan for an empty account and
// bundles every Worker without a network (CI runs it).
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { deployConfig, deployConfigPath, readJsonc } from "./deploy-config.mjs";
import { DATABASE, DEPLOY_ORDER, deployPlan, OPTIONAL_SECRETS, QUEUES, requiredSecrets } from "./deploy-plan.mjs";
import { copyDocsAssets } from "./docs-assets.mjs";

const env = { ...process.env, WRANGLER_SEND_METRICS: "false" };
const dryRun = process.argv.includes("--dry-run");
// `--zone api.example.com` (or FABRIC_ZONE): deploy each Worker with its path routes on that zone.
const zoneAt = process.argv.indexOf("--zone");
const zone = (zoneAt >= 0 ? process.argv[zoneAt + 1] : undefined) ?? process.env.FABRIC_ZONE;

/**
 * Runs wrangler without a terminal on stdin, so it never waits for an answer (with several
 * accounts it then asks for CLOUDFLARE_ACCOUNT_ID instead of a choice). `live` streams its output
 * (deploys, migrations); otherwise it is captured, and shown only when the command fails.
 */
function wrangler(args, { quiet = false, live = false } = {}) {
  const stdio = ["ignore", live ? "inherit" : "pipe", live ? "inherit" : "pipe"];
  const r = spawnSync("npx", ["wrangler", ...args], { env, encoding: "utf8", stdio });
  if (!live && !quiet && r.status !== 0) process.stderr.write(`${r.stdout ?? ""}${r.stderr ?? ""}`);
  return r;
}

const configOf = (w) => readJsonc(readFileSync(`${w}/wrangler.jsonc`, "utf8"));
const varsOf = () => Object.fromEntries(DEPLOY_ORDER.map((w) => [w, configOf(w).vars ?? {}]));

function databaseId() {
  const list = wrangler(["d1", "list", "--json"]);
  if (list.status !== 0) {
    throw new Error(
      "wrangler d1 list failed (its output is above): log in with `npx wrangler login` (or set CLOUDFLARE_API_TOKEN), and with several accounts set CLOUDFLARE_ACCOUNT_ID",
    );
  }
  return JSON.parse(list.stdout).find((d) => d.name === DATABASE)?.uuid ?? null;
}

/** What exists on the account: queues (each asked by name), the database, each Worker's secret names. */
function discover() {
  const queues = QUEUES.filter((q) => wrangler(["queues", "info", q], { quiet: true }).status === 0);
  const secrets = {};
  for (const w of DEPLOY_ORDER) {
    const r = wrangler(["secret", "list", "--format", "json", "-c", `${w}/wrangler.jsonc`], { quiet: true });
    // A Worker that does not exist yet has no secrets (wrangler says the script does not exist).
    secrets[w] = r.status === 0 ? JSON.parse(r.stdout).map((s) => s.name) : [];
  }
  return { queues, databaseId: databaseId(), secrets, vars: varsOf() };
}

function writeDeployConfigs(id) {
  if (!id) throw new Error(`no D1 database named ${DATABASE} on the account`);
  for (const w of DEPLOY_ORDER) {
    const config = deployConfig(readFileSync(`${w}/wrangler.jsonc`, "utf8"), id);
    writeFileSync(deployConfigPath(w), `${JSON.stringify(config, null, 2)}\n`);
  }
}

if (dryRun) {
  const { steps } = deployPlan({ queues: [], databaseId: null, secrets: {} }, { zone });
  console.log("deploy plan for an account with nothing on it yet (each step is skipped when done):");
  for (const s of steps) console.log(`  - ${s.what}${s.command ? `   (wrangler ${s.command.join(" ")})` : ""}`);
  const vars = varsOf();
  const names = (w) => [
    ...requiredSecrets(w, vars[w]),
    ...OPTIONAL_SECRETS[w].filter((n) => !requiredSecrets(w, vars[w]).includes(n)).map((n) => `${n} (optional)`),
  ];
  console.log(
    `  secrets, set before the first deploy: ${DEPLOY_ORDER.map((w) => `${w}: ${names(w).join(", ")}`).join("; ")}`,
  );
  const bundle = spawnSync("node", ["scripts/deploy-dry-run.mjs"], { stdio: "inherit", env });
  process.exit(bundle.status ?? 1);
}

// Before wrangler reads ingest's config at all: it names the assets directory, which must exist.
copyDocsAssets();
const plan = (() => {
  try {
    return deployPlan(discover(), { zone });
  } catch (err) {
    console.error(`nothing was changed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
})();
if (plan.missingSecrets.length > 0) {
  console.error("Set these secrets first, then run npm run deploy again (nothing was changed):");
  for (const s of plan.missingSecrets) {
    const [w, name] = s.split(" ");
    console.error(`  npx wrangler secret put ${name} -c ${w}/wrangler.jsonc`);
  }
  console.error(
    "ADMIN_AUTH_SECRET_TOKEN must be the same value in matcher, projector and monitor-runtime (README, Deploy).",
  );
  process.exit(1);
}
for (const step of plan.steps) {
  console.log(`→ ${step.what}`);
  if (step.action === "assets") continue; // built above
  if (step.action === "configs") {
    try {
      writeDeployConfigs(databaseId());
    } catch (err) {
      console.error(
        `failed: ${step.what}: ${err instanceof Error ? err.message : String(err)}; run npm run deploy again`,
      );
      process.exit(1);
    }
    continue;
  }
  const r = wrangler(step.command ?? [], { live: true });
  if (r.status !== 0) {
    console.error(`failed: ${step.what}; fix the cause and run npm run deploy again (done steps are skipped)`);
    process.exit(r.status ?? 1);
  }
}
console.log(
  zone
    ? `deployed: every route answers on https://${zone} (try https://${zone}/healthz); pass the same --zone on every deploy`
    : "deployed on workers.dev; run again with --zone <host> to put every Worker's path routes on your zone",
);
