// The static assets of the ingest Worker (its wrangler.jsonc `assets`): the API reference viewer's
// files, copied from the pinned `swagger-ui-dist` npm package into dist/ingest-assets, so `/docs`
// needs no CDN, and the web console bundled from console/ (scripts/console-assets.mjs). Run by
// everything that starts or bundles ingest: scripts/prepare-local.mjs
// (`npm run dev`, the load tests), scripts/deploy-dry-run.mjs (`npm run build:aux`, `npm test`,
// `npm run deploy:dry`) and vitest.config.ts. `node scripts/docs-assets.mjs` runs it alone.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildConsole, CONSOLE_HEADERS } from "./console-assets.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Where wrangler finds the ingest Worker's static assets (ingest/wrangler.jsonc `assets.directory`). */
export const ASSETS_DIR = join(root, "dist", "ingest-assets");

/** The files of the viewer the docs page loads, and its licence. */
const VIEWER_FILES = ["swagger-ui-bundle.js", "swagger-ui.css", "LICENSE", "NOTICE"];

/**
 * Copies the viewer into `dist/ingest-assets/docs/swagger-ui/<version>/` (the path that
 * ingest/src/docs/page.ts links to) with a `_headers` file that lets browsers keep those
 * versioned files for a year. Returns the folder it wrote. Idempotent and safe while a local
 * fabric serves the folder (two test projects start one each): a file already in place is left
 * alone, a new one appears whole (written beside, then renamed).
 */
export function copyDocsAssets() {
  const pkgDir = dirname(createRequire(join(root, "package.json")).resolve("swagger-ui-dist/package.json"));
  const { version } = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
  const viewers = join(ASSETS_DIR, "docs", "swagger-ui");
  const out = join(viewers, version);
  mkdirSync(out, { recursive: true });
  for (const old of readdirSync(viewers)) {
    if (old !== version) rmSync(join(viewers, old), { recursive: true, force: true });
  }
  for (const f of VIEWER_FILES) {
    const from = join(pkgDir, f);
    const to = join(out, f);
    if (existsSync(to) && statSync(to).size === statSync(from).size) continue;
    copyFileSync(from, `${to}.${process.pid}.tmp`);
    renameSync(`${to}.${process.pid}.tmp`, to);
  }
  // Versioned paths never change content, so they may be cached for good (Workers static assets
  // read `_headers`; without it they would be revalidated on every load).
  const headers = `/docs/swagger-ui/*\n  Cache-Control: public, max-age=31536000, immutable\n${CONSOLE_HEADERS}`;
  const headersFile = join(ASSETS_DIR, "_headers");
  if (!existsSync(headersFile) || readFileSync(headersFile, "utf8") !== headers) {
    writeFileSync(`${headersFile}.${process.pid}.tmp`, headers);
    renameSync(`${headersFile}.${process.pid}.tmp`, headersFile);
  }
  // The console (`/console`) is ingest's other static asset: built here so every caller gets it.
  buildConsole(ASSETS_DIR);
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(`docs assets -> ${copyDocsAssets()}`);
