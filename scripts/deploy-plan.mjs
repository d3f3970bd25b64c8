// What `npm run deploy` does, decided from what already exists on the account (pure: no I/O).
// scripts/deploy.mjs asks wrangler what exists, then runs this plan's commands in order.

/** The queues the Workers bind (producers and consumers in the four wrangler.jsonc). */
export const QUEUES = ["facts", "facts-dlq", "events", "events-dlq", "wakes", "wakes-dlq"];
/** The one D1 database every Worker binds as DB. */
export const DATABASE = "fabric";
/** The id the committed configs carry until a deploy writes the account's real one. */
export const PLACEHOLDER_DATABASE_ID = "00000000-0000-4000-8000-000000000001";
/** Secrets each Worker refuses to work without (SECURITY.md); optional ones are not checked. */
export const REQUIRED_SECRETS = {
  ingest: ["PRODUCER_TOKENS"],
  matcher: ["ADMIN_AUTH_SECRET_TOKEN"],
  projector: ["ADMIN_AUTH_SECRET_TOKEN"],
  "monitor-runtime": ["ADMIN_AUTH_SECRET_TOKEN"],
};
/**
 * ingest first (the matcher binds its FactJournal class), then the matcher (monitor-runtime binds
 * its shards), then the rest, and ingest once more so its service bindings to them resolve.
 */
export const DEPLOY_ORDER = ["ingest", "matcher", "projector", "monitor-runtime", "ingest"];

/**
 * Each Worker's path routes on the zone (`npm run deploy -- --zone api.example.com`): the same split
 * as the local one-origin gateway (ingest/src/gateway.ts `ownerOf`), so deployed paths answer as
 * `npm run dev` does. Cloudflare sends a request to the most specific matching pattern, which is
 * how `/v1/admin/stats` reaches the matcher while every other `/v1/*` reaches the monitor runtime.
 */
export const PATH_ROUTES = {
  ingest: ["/v1/facts*", "/healthz", "/openapi.json", "/docs*", "/console*"],
  matcher: ["/v1/admin/shards*", "/v1/admin/stats*", "/v1/admin/dead-letters/facts*"],
  projector: ["/v1/admin/projections*", "/v1/admin/dead-letters/events*"],
  "monitor-runtime": ["/v1/*", "/api/*"],
};

/** The Worker a zone route sends `path` to: the longest matching pattern (Cloudflare's most specific). */
export function routeOwner(path) {
  let best = { worker: undefined, length: -1 };
  for (const [worker, patterns] of Object.entries(PATH_ROUTES)) {
    for (const pattern of patterns) {
      const prefix = pattern.endsWith("*") ? pattern.slice(0, -1) : pattern;
      const hit = pattern.endsWith("*") ? path.startsWith(prefix) : path === prefix;
      if (hit && prefix.length > best.length) best = { worker, length: prefix.length };
    }
  }
  return best.worker;
}

/**
 * @param {{ queues: string[]; databaseId: string | null; configDatabaseId: string; secrets: Record<string, string[]> }} found
 *   what exists: queue names, the id of the database named DATABASE (null: none), the id the
 *   configs carry, and the secret names each Worker has
 * @param {{ zone?: string }} [options] a zone host: each Worker is deployed with its PATH_ROUTES on it
 * @returns {{ steps: { what: string; command: string[] | null }[]; missingSecrets: string[] }}
 *   the steps in order (command null: a file edit done by the deploy script itself), and every
 *   required secret that is not set, as "worker SECRET" (the deploy stops before any change then)
 */
export function deployPlan(found, { zone } = {}) {
  const steps = [];
  for (const q of QUEUES) {
    if (!found.queues.includes(q)) steps.push({ what: `create queue ${q}`, command: ["queues", "create", q] });
  }
  if (found.databaseId === null) {
    steps.push({ what: `create D1 database ${DATABASE}`, command: ["d1", "create", DATABASE] });
    steps.push({
      what: "write the new database_id into the wrangler.jsonc of matcher, projector and monitor-runtime",
      command: null,
    });
  } else if (found.databaseId !== found.configDatabaseId) {
    steps.push({
      what: `write database_id ${found.databaseId} into the wrangler.jsonc of matcher, projector and monitor-runtime`,
      command: null,
    });
  }
  steps.push({
    what: "apply the D1 migrations (remote)",
    command: ["d1", "migrations", "apply", "DB", "--remote", "-c", "monitor-runtime/wrangler.jsonc"],
  });
  for (const w of DEPLOY_ORDER) {
    const routes = zone ? PATH_ROUTES[w].flatMap((p) => ["--route", `${zone}${p}`]) : [];
    const what = zone ? `deploy ${w} with its routes on ${zone}` : `deploy ${w}`;
    steps.push({ what, command: ["deploy", "-c", `${w}/wrangler.jsonc`, ...routes] });
  }
  const missingSecrets = Object.entries(REQUIRED_SECRETS).flatMap(([w, names]) =>
    names.filter((n) => !(found.secrets[w] ?? []).includes(n)).map((n) => `${w} ${n}`),
  );
  return { steps, missingSecrets };
}
