#!/usr/bin/env node
// The `fabric` command (package.json "bin"): runs the TypeScript CLI in cli/src through the
// project's tsx loader, so there is no build step. See README.md "Command line".
import { register } from "tsx/esm/api";

register();
const { main } = await import("./src/main.ts");
process.exitCode = await main(process.argv.slice(2));
