// What a local run of the fabric needs before `wrangler dev`, shared by `npm run dev`
// (scripts/dev.mjs) and the load tests (load-tests/lib/local-fabric.ts).
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync } from "node:fs";
import { copyDocsAssets } from "./docs-assets.mjs";

/** Every Worker of the fabric; the first is served on the port and forwards the other paths. */
export const WORKERS = ["ingest", "monitor-runtime", "matcher", "projector"];

/** Wrangler without its network calls and metrics: local runs need neither. */
export const quietEnv = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" };

/**
 * Copies each Worker's committed .dev.vars.example to .dev.vars where there is none (local
 * secrets are git-ignored; the example holds the documented dev tokens, so a fresh clone works
 * without a manual step), copies the docs viewer into ingest's static assets (scripts/docs-assets.mjs),
 * then applies the D1 migrations to the local state at `persistTo`.
 * Returns the migration's exit status and output.
 */
export function prepareLocal(persistTo, { inherit = false, env = quietEnv } = {}) {
  for (const w of WORKERS) {
    if (!existsSync(`${w}/.dev.vars`) && existsSync(`${w}/.dev.vars.example`))
      copyFileSync(`${w}/.dev.vars.example`, `${w}/.dev.vars`);
  }
  copyDocsAssets();
  const args = ["wrangler", "d1", "migrations", "apply", "DB", "--local", "--persist-to", persistTo];
  const r = spawnSync("npx", [...args, "-c", "monitor-runtime/wrangler.jsonc"], {
    env,
    encoding: "utf8",
    stdio: inherit ? "inherit" : "pipe",
  });
  return { status: r.status, output: `${r.stdout ?? ""}${r.stderr ?? ""}` };
}
