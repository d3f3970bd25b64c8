import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { unstable_getMiniflareWorkerOptions, unstable_readConfig } from "wrangler";

/**
 * The other Workers of the fabric as auxiliary Workers of a workerd test project: their real code
 * (bundled into dist/ by `npm run build:aux`, i.e. `wrangler deploy --dry-run`) with the bindings of
 * their own wrangler.jsonc, so tests exercise real queues, Durable Objects, D1 and Workflows
 * across Workers. Secrets come from `vars`, never from a developer's .dev.vars.
 */
export const TEST_ADMIN_TOKEN = "dev-admin-token";
/** The dev scoped tokens (as in each Worker's .dev.vars.example): read only, read + write, control plane only. */
export const TEST_ADMIN_TOKENS = JSON.stringify([
  { token: "dev-read-token-local", scopes: ["read"] },
  { token: "dev-write-token-local", scopes: ["read", "write"] },
  { token: "dev-control-token-local", scopes: ["control-plane"] },
]);

export function auxWorker(folder: string, vars: Record<string, string> = {}, renames: Record<string, string> = {}) {
  const bundle = resolve("dist", folder, "index.js");
  if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run \`npm run build:aux\` first (npm test does)`);
  const { workerOptions } = unstable_getMiniflareWorkerOptions(`${folder}/wrangler.jsonc`);
  // The bundle is already built: module rules and the root path only apply to unbundled sources.
  const {
    rootPath: _root,
    modulesRules: _rules,
    ...options
  } = workerOptions as typeof workerOptions & { rootPath?: string; modulesRules?: unknown };
  const durableObjects = Object.fromEntries(
    Object.entries(options.durableObjects ?? {}).map(([binding, spec]) => {
      const s = typeof spec === "string" ? { className: spec } : spec;
      // Classes of this Worker get SQLite storage, as their migrations declare. A class of the
      // Worker under test lives in the test runner, whose name the plugin chose (`renames`).
      if (!s.scriptName) return [binding, { ...s, useSQLite: true }];
      return [binding, { ...s, scriptName: renames[s.scriptName] ?? s.scriptName }];
    }),
  );
  // Durable Objects of other Workers (`script_name`) are left out of the converted options (wrangler
  // resolves them through its dev registry); bind them here.
  for (const b of unstable_readConfig({ config: `${folder}/wrangler.jsonc` }).durable_objects.bindings) {
    if (b.script_name)
      durableObjects[b.name] = { className: b.class_name, scriptName: renames[b.script_name] ?? b.script_name };
  }
  return {
    ...options,
    name: `fabric-${folder}`,
    modules: true,
    scriptPath: bundle,
    durableObjects,
    bindings: {
      ...(options.bindings ?? {}),
      ADMIN_AUTH_SECRET_TOKEN: TEST_ADMIN_TOKEN,
      ADMIN_TOKENS: TEST_ADMIN_TOKENS,
      ...vars,
    },
  };
}
