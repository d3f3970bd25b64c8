import type { OpenAPIHono } from "@hono/zod-openapi";
import { MAX_BODY_BYTES } from "../../shared/src/facts";
import { scopeFor } from "../../shared/src/http/admin-scopes";
import { ADMIN_BODY_LIMIT } from "../../shared/src/http/body-limit";
import { ProblemError, problem } from "../../shared/src/problem";
import type { IngestEnv } from "./env";
import { readLimited } from "./read-body";

/**
 * Local one-origin gateway. In production each Worker has its own path routes on the zone; locally
 * `wrangler dev` serves one Worker on the port, so ingest forwards the paths it does not own over
 * service bindings (the same requests, unchanged).
 *
 * @example app.all("*", (c) => forwardToOwner(c.req.raw, c.env));
 */
type Owner = "PROJECTOR" | "MONITOR_RUNTIME" | "MATCHER";

export function ownerOf(path: string): Owner | undefined {
  if (path.startsWith("/v1/admin/projections") || path.startsWith("/v1/admin/dead-letters/events")) return "PROJECTOR";
  if (
    path.startsWith("/v1/admin/shards") ||
    path === "/v1/admin/stats" ||
    path.startsWith("/v1/admin/deliveries") ||
    path.startsWith("/v1/admin/dead-letters/facts")
  ) {
    return "MATCHER";
  }
  if (path.startsWith("/v1/") || path.startsWith("/api/")) return "MONITOR_RUNTIME";
  return undefined;
}

export async function forwardToOwner(request: Request, env: IngestEnv): Promise<Response> {
  const url = new URL(request.url);
  const owner = ownerOf(url.pathname);
  const target = owner ? env[owner] : undefined;
  if (!target) throw new ProblemError(problem("not_found", `No route for ${request.method} ${url.pathname}`));
  // Read the body here, under a limit, so the owner gets a whole body (and an over-large one is a
  // 413 at the edge) rather than a stream it may leave half-read.
  const body =
    request.method === "GET" || request.method === "HEAD" ? undefined : await readLimited(request, MAX_BODY_BYTES);
  return target.fetch(new Request(request.url, { method: request.method, headers: request.headers, body }));
}

/** Ready when every Worker of the fabric answers its own /healthz. */
export async function health(env: IngestEnv): Promise<Response> {
  const parts: Owner[] = ["MONITOR_RUNTIME", "PROJECTOR", "MATCHER"];
  const checks = await Promise.all(
    parts.map(async (name) => {
      const svc = env[name];
      if (!svc) return [name, "absent"] as const;
      try {
        const res = await svc.fetch("http://internal/healthz");
        return [name, res.ok ? "ok" : `status ${res.status}`] as const;
      } catch (err) {
        return [name, `unreachable: ${String(err)}`] as const;
      }
    }),
  );
  const workers = Object.fromEntries([["ingest", "ok"], ...checks]);
  const ok = checks.every(([, s]) => s === "ok" || s === "absent");
  return Response.json({ status: ok ? "ok" : "degraded", workers }, { status: ok ? 200 : 503 });
}

type OpenApiDoc = { paths?: Record<string, unknown>; components?: Record<string, Record<string, unknown> | undefined> };

/**
 * The fabric's OpenAPI document: ingest's own, merged with each other Worker's (paths and every
 * kind of component: schemas, parameters, security schemes).
 */
export async function mergedOpenApi(
  app: Pick<OpenAPIHono, "getOpenAPI31Document">,
  env: IngestEnv,
): Promise<OpenApiDoc> {
  const own = app.getOpenAPI31Document({
    openapi: "3.1.0",
    info: {
      title: "Trigger-matcher fabric",
      version: "1.0.0",
      description:
        "Facts in, trigger matches out. Every route but /healthz, /docs and /openapi.json takes a bearer token.",
      // package.json says private; an SPDX LicenseRef says "no licence granted" in the form
      // OpenAPI 3.1 asks for (the generator's types predate 3.1's `identifier`).
      license: { name: "UNLICENSED (private package)", identifier: "LicenseRef-UNLICENSED" } as { name: string },
    },
    servers: [{ url: "/" }],
    tags: TAGS,
  }) as unknown as OpenApiDoc;
  own.components = { ...own.components, securitySchemes: { bearer: BEARER } };
  for (const name of ["MONITOR_RUNTIME", "PROJECTOR", "MATCHER"] as const) {
    const svc = env[name];
    if (!svc) continue;
    try {
      const res = await svc.fetch("http://internal/openapi.json");
      if (!res.ok) continue;
      const doc = (await res.json()) as OpenApiDoc;
      own.paths = { ...own.paths, ...doc.paths };
      for (const [kind, entries] of Object.entries(doc.components ?? {})) {
        own.components[kind] = { ...own.components[kind], ...entries };
      }
    } catch {
      // A Worker that is not up yet simply contributes no paths.
    }
  }
  withScopes(own.paths ?? {});
  withBodyProblems(own.paths ?? {});
  return own;
}

type Operation = { requestBody?: unknown; responses?: Record<string, unknown> };
const PROBLEM_CONTENT = { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } };

/**
 * Every operation that takes a body also answers 413 over its size limit (shared/src/http/body-limit.ts)
 * and 415 to a Content-Type it does not take (shared/src/http/errors.ts): say so where a route does
 * not already.
 */
function withBodyProblems(paths: Record<string, unknown>): void {
  for (const item of Object.values(paths)) {
    for (const op of Object.values(item as Record<string, Operation>)) {
      if (!op.requestBody || !op.responses) continue;
      op.responses["413"] ??= {
        description: `Request body over ${ADMIN_BODY_LIMIT} bytes`,
        content: PROBLEM_CONTENT,
      };
      op.responses["415"] ??= {
        description: "Unsupported content type: send Content-Type: application/json",
        content: PROBLEM_CONTENT,
      };
    }
  }
}

const BEARER = {
  type: "http",
  scheme: "bearer",
  description:
    "POST /v1/facts takes a producer token; every other route an admin token holding the scope its security entry names: read, write or control-plane (a token without it is a 403 naming the scope).",
};

/**
 * Names, on each admin operation's security entry, the scope the token middleware enforces for it
 * (OpenAPI 3.1 lets a non-OAuth requirement list role names), computed by the same `scopeFor`.
 */
function withScopes(paths: Record<string, unknown>): void {
  for (const [path, item] of Object.entries(paths)) {
    if (path === "/v1/facts") continue;
    for (const [method, op] of Object.entries(item as Record<string, { security?: Record<string, string[]>[] }>)) {
      const bearer = op.security?.find((s) => "bearer" in s);
      const scope = scopeFor(method.toUpperCase(), path);
      if (bearer) bearer.bearer = scope ? [scope] : [];
    }
  }
}

/** The document's tags, in the order a reader meets them. */
const TAGS = [
  { name: "facts", description: "Pushing facts (producer token)" },
  { name: "monitors", description: "The monitor registry, its matches and backtests" },
  { name: "streams", description: "The streams the fabric holds, and each one's stored facts" },
  { name: "control-plane", description: "The seed-000 workflow-monitor contract and enqueue-tick" },
  { name: "admin", description: "Fabric and shard statistics" },
  { name: "projections", description: "Rebuilding the D1 projections" },
  { name: "dead-letters", description: "Dead letters of each queue, and replaying them" },
  { name: "agents", description: "Monitor sessions mirrored in the user and portfolio agents" },
  { name: "health", description: "Readiness" },
  { name: "docs", description: "This document and its interactive reference" },
];
