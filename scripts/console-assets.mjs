// The web console (`/console`): console/src bundled by esbuild (lit and lightweight-charts from
// their pinned npm packages, nothing from a CDN) into dist/ingest-assets/console/, beside its page
// and stylesheet, where the ingest Worker serves them as static assets. Called by copyDocsAssets
// (scripts/docs-assets.mjs), so everything that builds ingest's assets builds the console too.
import { copyFileSync, mkdirSync, renameSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSync } from "esbuild";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Builds the console into `<assetsDir>/console/` and returns that folder. Synchronous (vitest.config.ts calls it). */
export function buildConsole(assetsDir) {
  const out = join(assetsDir, "console");
  mkdirSync(out, { recursive: true });
  // Written beside, then renamed: a fabric already serving the folder never reads half a file.
  const tmp = join(out, `app.js.${process.pid}.tmp`);
  buildSync({
    entryPoints: [join(root, "console", "src", "main.ts")],
    bundle: true,
    minify: true,
    format: "esm",
    target: "es2022",
    outfile: tmp,
    // The libraries' licence comments stay in the bundle, at its end.
    legalComments: "eof",
    logLevel: "error",
    write: true,
  });
  renameSync(tmp, join(out, "app.js"));
  for (const f of ["index.html", "style.css"]) {
    copyFileSync(join(root, "console", f), `${join(out, f)}.${process.pid}.tmp`);
    renameSync(`${join(out, f)}.${process.pid}.tmp`, join(out, f));
  }
  return out;
}

/** The `_headers` rules of the console: same-origin only (the page fetches nothing else). */
export const CONSOLE_HEADERS = [
  "/console/*",
  `  Content-Security-Policy: ${[
    "default-src 'none'",
    "script-src 'self'",
    // lightweight-charts sizes its canvases through style attributes.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ")}`,
  "  X-Content-Type-Options: nosniff",
  "  Referrer-Policy: no-referrer",
  "",
].join("\n");

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(`console -> ${buildConsole(join(root, "dist", "ingest-assets"))}`);
}
