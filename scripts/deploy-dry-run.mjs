#!/usr/bin/env node
// Bundles and validates every Worker exactly as `wrangler deploy` would, without a network
// (`--dry-run`), into dist/<worker>/. CI runs it to prove each Worker deploys; the workerd test
// projects load these bundles as auxiliary Workers (the real code of the other Workers).
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { copyDocsAssets } from "./docs-assets.mjs";

export const WORKERS = ["ingest", "matcher", "projector", "monitor-runtime"];
const env = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" };
const only = process.argv.slice(2);
// ingest's static assets (the docs viewer) must exist before wrangler reads its config.
copyDocsAssets();
for (const w of only.length ? only : WORKERS) {
  const outdir = resolve("dist", w);
  const r = spawnSync("npx", ["wrangler", "deploy", "--dry-run", "-c", `${w}/wrangler.jsonc`, "--outdir", outdir], {
    env,
    encoding: "utf8",
  });
  if (r.status !== 0) {
    process.stdout.write(r.stdout ?? "");
    process.stderr.write(r.stderr ?? "");
    console.error(`deploy --dry-run failed for ${w}`);
    process.exit(r.status ?? 1);
  }
  const size = /Total Upload: ([^\n]+)/.exec(r.stdout ?? "")?.[1] ?? "?";
  console.log(`${w}: would deploy (${size}) -> dist/${w}`);
}
