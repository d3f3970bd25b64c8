import { z } from "zod";
import { tokensEqual } from "../auth";

/**
 * Admin token scopes. `read`: every GET (monitors, matches, stats, shards, dead letters, agents,
 * rebuild status, stream facts) and explain (a POST only for its body; it changes nothing). `write`: every other change an operator makes (the registry,
 * backtests, dead-letter replays, delivery retries, rebuilds). `control-plane`: the seed-000 routes
 * (`/v1/admin/control-plane/…`) and enqueue-tick (`/api/…`), which the platform and the matcher
 * call. ADMIN_AUTH_SECRET_TOKEN holds every scope; ADMIN_TOKENS (a secret, a JSON list like
 * PRODUCER_TOKENS) adds tokens that hold only some. `GET /v1/admin/whoami` needs no scope: any
 * admin token may ask what it holds (a control-plane token too, which may read nothing else).
 *
 * @example scopeFor("PUT", "/v1/monitors/m1") // "write"; scopeFor("GET", WHOAMI_PATH) // null
 */
export const ADMIN_SCOPES = ["read", "write", "control-plane"] as const;
export type AdminScope = (typeof ADMIN_SCOPES)[number];

export type AdminBindings = { ADMIN_AUTH_SECRET_TOKEN?: string; ADMIN_TOKENS?: string };

/** Explain's routes (also as the OpenAPI document writes them, `{monitorId}`). */
const EXPLAIN_PATH = /^\/v1\/(monitors\/[^/]+\/)?explain$/;

/** The route that answers which scopes the caller's token holds. */
export const WHOAMI_PATH = "/v1/admin/whoami";

/** The scope a request needs, or null when any admin token may make it. */
export function scopeFor(method: string, path: string): AdminScope | null {
  if (path === WHOAMI_PATH && (method === "GET" || method === "HEAD")) return null;
  if (path.startsWith("/v1/admin/control-plane/") || path.startsWith("/api/")) return "control-plane";
  if (method === "POST" && EXPLAIN_PATH.test(path)) return "read";
  return method === "GET" || method === "HEAD" ? "read" : "write";
}

const AdminTokensSchema = z.array(
  z.strictObject({
    token: z.string().min(16),
    scopes: z.array(z.enum(ADMIN_SCOPES)).min(1),
    name: z.string().optional(),
  }),
);
type AdminToken = z.infer<typeof AdminTokensSchema>[number];

const parsed = new Map<string, AdminToken[]>();
/** ADMIN_TOKENS as a list; a malformed list grants nothing (fails closed) and says so once per isolate. */
export function adminTokens(raw: string | undefined): AdminToken[] {
  if (!raw) return [];
  let list = parsed.get(raw);
  if (!list) {
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      json = null;
    }
    const result = AdminTokensSchema.safeParse(json);
    if (!result.success)
      console.error(
        JSON.stringify({ level: "error", msg: "ADMIN_TOKENS is not a valid token list; it grants nothing" }),
      );
    list = result.success ? result.data : [];
    parsed.set(raw, list);
  }
  return list;
}

/** What a presented admin token is: its scopes, and the name its ADMIN_TOKENS entry gives it, if any. */
export type AdminIdentity = { scopes: readonly AdminScope[]; name?: string };

/**
 * The identity of a presented token, or null when it is no admin token. Every configured token
 * is compared (in constant time), so the time taken does not say which one matched.
 */
export async function adminIdentity(presented: string, env: AdminBindings): Promise<AdminIdentity | null> {
  let identity: AdminIdentity | null = null;
  if (env.ADMIN_AUTH_SECRET_TOKEN && (await tokensEqual(presented, env.ADMIN_AUTH_SECRET_TOKEN)))
    identity = { scopes: ADMIN_SCOPES };
  for (const entry of adminTokens(env.ADMIN_TOKENS))
    if ((await tokensEqual(presented, entry.token)) && identity === null)
      identity = { scopes: entry.scopes, ...(entry.name ? { name: entry.name } : {}) };
  return identity;
}

/** The scopes a presented token holds, or null when it is no admin token. */
export async function scopesOf(presented: string, env: AdminBindings): Promise<readonly AdminScope[] | null> {
  return (await adminIdentity(presented, env))?.scopes ?? null;
}
