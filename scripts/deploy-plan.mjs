// What `npm run deploy` does, decided from what already exists on the account (pure: no I/O).
// scripts/deploy.mjs asks wrangler what exists, then runs this plan's commands in order.

/** The queues the Workers bind (producers and consumers in the four wrangler.jsonc). */
export const QUEUES = ["facts", "facts-dlq", "events", "events-dlq", "wakes", "wakes-dlq"];
/** The one D1 database every Worker binds as DB. */
export const DATABASE = "fabric";
/** The id the committed configs carry (the local database); a deploy never writes the real one there. */
export const PLACEHOLDER_DATABASE_ID = "00000000-0000-4000-8000-000000000001";
/**
 * Secrets each Worker refuses to work without (SECURITY.md); the deploy stops while one is unset.
 * Setting them first also creates each Worker on the account (wrangler makes a placeholder Worker
 * for a secret of one that does not exist yet), which the first deploy relies on: see DEPLOY_ORDER.
 * The three ADMIN_AUTH_SECRET_TOKEN must hold the same value: the matcher presents its own to the
 * monitor runtime's notify route, and the console sends one token to every Worker.
 */
export const REQUIRED_SECRETS = {
  ingest: ["PRODUCER_TOKENS"],
  matcher: ["ADMIN_AUTH_SECRET_TOKEN"],
  projector: ["ADMIN_AUTH_SECRET_TOKEN"],
  "monitor-runtime": ["ADMIN_AUTH_SECRET_TOKEN"],
};
/** Secrets a Worker reads when present (scoped admin tokens; the external tick facade's token). */
export const OPTIONAL_SECRETS = {
  ingest: [],
  matcher: ["ADMIN_TOKENS"],
  projector: ["ADMIN_TOKENS"],
  "monitor-runtime": ["ADMIN_TOKENS", "TICK_FACADE_TOKEN"],
};
/**
 * The order of a deploy. Cloudflare refuses a Worker whose Durable Object binding names a class of
 * another Worker (`script_name`) that is not deployed with that class yet (API code 10061), so
 * ingest (FactJournal) goes before the matcher, and the matcher (MatcherShard, StreamRoutes) before
 * the monitor runtime. Service bindings only need their target Worker to exist (else code 10143);
 * ingest binds all three others and the matcher binds the monitor runtime, which a dependency order
 * cannot satisfy on an empty account, but every Worker exists once its secrets are set
 * (REQUIRED_SECRETS), and the deploy checks those before it changes anything.
 */
export const DEPLOY_ORDER = ["ingest", "matcher", "projector", "monitor-runtime"];

/**
 * Each Worker's path routes on the zone (`npm run deploy -- --zone api.example.com`): the same split
 * as the local one-origin gateway (ingest/src/gateway.ts `ownerOf`), so deployed paths answer as
 * `npm run dev` does. Cloudflare sends a request to the most specific matching pattern, which is
 * how `/v1/admin/stats` reaches the matcher while every other `/v1/*` reaches the monitor runtime.
 */
export const PATH_ROUTES = {
  // `/healthz*` and `/openapi.json*` rather than exact paths: a pattern without a trailing `*` does
  // not match the same path with a query string (Cloudflare compares the whole URL).
  ingest: ["/v1/facts*", "/healthz*", "/openapi.json*", "/docs*", "/console*"],
  matcher: ["/v1/admin/shards*", "/v1/admin/stats*", "/v1/admin/deliveries*", "/v1/admin/dead-letters/facts*"],
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
 * The secrets `worker` cannot work without under its variables: REQUIRED_SECRETS, and
 * TICK_FACADE_TOKEN when the monitor runtime forwards ticks to a facade (TICK_FACADE_URL set): the
 * facade executor refuses every tick without it.
 */
export function requiredSecrets(worker, vars = {}) {
  const always = REQUIRED_SECRETS[worker] ?? [];
  return worker === "monitor-runtime" && vars.TICK_FACADE_URL ? [...always, "TICK_FACADE_TOKEN"] : always;
}

/**
 * @param {{ queues: string[]; databaseId: string | null; secrets: Record<string, string[]>; vars?: Record<string, Record<string, string>> }} found
 *   what exists: queue names, the id of the database named DATABASE (null: none), the secret names
 *   each Worker has, and each Worker's configured variables
 * @param {{ zone?: string }} [options] a zone host: each Worker is deployed with its PATH_ROUTES on it
 * @returns {{ steps: { what: string; command: string[] | null; action?: "assets" | "configs" }[]; missingSecrets: string[] }}
 *   the steps in order (command null: work the deploy script does itself, named by `action`), and
 *   every required secret that is not set, as "worker SECRET" (the deploy stops before any change then)
 */
export function deployPlan(found, { zone } = {}) {
  const steps = [
    {
      what: "build ingest's static assets (the /docs viewer, the /console) into dist/ingest-assets",
      command: null,
      action: "assets",
    },
  ];
  for (const q of QUEUES) {
    if (!found.queues.includes(q)) steps.push({ what: `create queue ${q}`, command: ["queues", "create", q] });
  }
  if (found.databaseId === null) {
    steps.push({ what: `create D1 database ${DATABASE}`, command: ["d1", "create", DATABASE] });
  }
  steps.push({
    what: "write each Worker's deploy configuration (<worker>/wrangler.deploy.json: its wrangler.jsonc with the database's id)",
    command: null,
    action: "configs",
  });
  steps.push({
    what: "apply the D1 migrations (remote)",
    command: ["d1", "migrations", "apply", "DB", "--remote", "-c", "monitor-runtime/wrangler.deploy.json"],
  });
  for (const w of DEPLOY_ORDER) {
    const routes = zone ? PATH_ROUTES[w].flatMap((p) => ["--route", `${zone}${p}`]) : [];
    const what = zone ? `deploy ${w} with its routes on ${zone}` : `deploy ${w}`;
    steps.push({ what, command: ["deploy", "-c", `${w}/wrangler.deploy.json`, ...routes] });
  }
  const missingSecrets = DEPLOY_ORDER.flatMap((w) =>
    requiredSecrets(w, found.vars?.[w])
      .filter((n) => !(found.secrets[w] ?? []).includes(n))
      .map((n) => `${w} ${n}`),
  );
  return { steps, missingSecrets };
}
