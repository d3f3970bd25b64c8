#!/usr/bin/env node
// `npm run dev`: applies the local D1 migrations, then starts every Worker of the fabric in ONE
// wrangler/workerd process with persisted local state (.wrangler/state): D1, Queues, Durable
// Objects and Workflows all local. The first config (ingest) is served on the port and forwards
// the other public paths over service bindings. PORT overrides 8787; PERSIST_TO overrides the
// state folder (the README walkthrough test runs this script on a throwaway one).
import { spawn } from "node:child_process";
import { prepareLocal, quietEnv, WORKERS } from "./prepare-local.mjs";

const PERSIST = process.env.PERSIST_TO ?? ".wrangler/state";
const port = process.env.PORT ?? "8787";

const prepared = prepareLocal(PERSIST, { inherit: true });
if (prepared.status !== 0) process.exit(prepared.status ?? 1);

const args = ["wrangler", "dev", "--ip", "127.0.0.1", "--port", port, "--persist-to", PERSIST];
for (const w of WORKERS) args.push("-c", `${w}/wrangler.jsonc`);
args.push(...process.argv.slice(2));
const child = spawn("npx", args, { stdio: "inherit", env: quietEnv });
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code) => process.exit(code ?? 0));
