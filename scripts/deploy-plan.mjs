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
 * @param {{ queues: string[]; databaseId: string | null; configDatabaseId: string; secrets: Record<string, string[]> }} found
 *   what exists: queue names, the id of the database named DATABASE (null: none), the id the
 *   configs carry, and the secret names each Worker has
 * @returns {{ steps: { what: string; command: string[] | null }[]; missingSecrets: string[] }}
 *   the steps in order (command null: a file edit done by the deploy script itself), and every
 *   required secret that is not set, as "worker SECRET" (the deploy stops before any change then)
 */
export function deployPlan(found) {
  const steps = [];
  for (const q of QUEUES) {
    if (!found.queues.includes(q)) steps.push({ what: `create queue ${q}`, command: ["queues", "create", q] });
  }
  if (found.databaseId === null) {
    steps.push({ what: `create D1 database ${DATABASE}`, command: ["d1", "create", DATABASE] });
    steps.push({ what: "write the new database_id into the four wrangler.jsonc", command: null });
  } else if (found.databaseId !== found.configDatabaseId) {
    steps.push({ what: `write database_id ${found.databaseId} into the four wrangler.jsonc`, command: null });
  }
  steps.push({
    what: "apply the D1 migrations (remote)",
    command: ["d1", "migrations", "apply", "DB", "--remote", "-c", "monitor-runtime/wrangler.jsonc"],
  });
  for (const w of DEPLOY_ORDER) steps.push({ what: `deploy ${w}`, command: ["deploy", "-c", `${w}/wrangler.jsonc`] });
  const missingSecrets = Object.entries(REQUIRED_SECRETS).flatMap(([w, names]) =>
    names.filter((n) => !(found.secrets[w] ?? []).includes(n)).map((n) => `${w} ${n}`),
  );
  return { steps, missingSecrets };
}
