#!/usr/bin/env node
// `npm run dev`: applies the local D1 migrations, then starts every Worker of the fabric in ONE
// wrangler/workerd process with persisted local state (.wrangler/state): D1, Queues, Durable
// Objects and Workflows all local. The first config (ingest) is served on the port and forwards
// the other public paths over service bindings. PORT overrides 8787.
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync } from "node:fs";

const WORKERS = ["ingest", "monitor-runtime", "matcher", "projector"];
const PERSIST = ".wrangler/state";
const port = process.env.PORT ?? "8787";
const env = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" };

// Local development secrets live in .dev.vars (git-ignored); the committed example holds the
// documented dev tokens, so a fresh clone works without any manual step.
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
    PERSIST,
    "-c",
    "monitor-runtime/wrangler.jsonc",
  ],
  { stdio: "inherit", env },
);
if (migrate.status !== 0) process.exit(migrate.status ?? 1);

const args = ["wrangler", "dev", "--ip", "127.0.0.1", "--port", port, "--persist-to", PERSIST];
for (const w of WORKERS) args.push("-c", `${w}/wrangler.jsonc`);
args.push(...process.argv.slice(2));
const child = spawn("npx", args, { stdio: "inherit", env });
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code) => process.exit(code ?? 0));
