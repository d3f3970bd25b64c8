import type { OpenAPIHono } from "@hono/zod-openapi";
import { MAX_BODY_BYTES } from "../../shared/src/facts";
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
    path.startsWith("/v1/admin/dead-letters/facts")
  ) {
    return "MATCHER";
  }
  if (path.startsWith("/v1/") || path.startsWith("/api/")) return "MONITOR_RUNTIME";
  return undefined;
}

export async function forwardToOwner(request: Request, env: IngestEnv): Promise<Response> {
  const url = new URL(request.url);
  if (url.pathname === "/healthz") return health(env);
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
async function health(env: IngestEnv): Promise<Response> {
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

type OpenApiDoc = { paths?: Record<string, unknown>; components?: { schemas?: Record<string, unknown> } };

/** The fabric's OpenAPI document: ingest's own, merged with each other Worker's. */
export async function mergedOpenApi(
  app: Pick<OpenAPIHono, "getOpenAPI31Document">,
  env: IngestEnv,
): Promise<OpenApiDoc> {
  const own: OpenApiDoc & { components?: Record<string, unknown> } = app.getOpenAPI31Document({
    openapi: "3.1.0",
    info: {
      title: "Trigger-matcher fabric",
      version: "1.0.0",
      description:
        "Facts in, trigger matches out. Every route but /healthz, /docs and /openapi.json takes a bearer token.",
    },
    servers: [{ url: "/" }],
  }) as unknown as OpenApiDoc;
  own.components = { ...own.components, ...{ securitySchemes: { bearer: { type: "http", scheme: "bearer" } } } };
  for (const name of ["MONITOR_RUNTIME", "PROJECTOR", "MATCHER"] as const) {
    const svc = env[name];
    if (!svc) continue;
    try {
      const res = await svc.fetch("http://internal/openapi.json");
      if (!res.ok) continue;
      const doc = (await res.json()) as OpenApiDoc;
      own.paths = { ...own.paths, ...doc.paths };
      own.components = {
        ...own.components,
        schemas: { ...own.components?.schemas, ...doc.components?.schemas },
      };
    } catch {
      // A Worker that is not up yet simply contributes no paths.
    }
  }
  return own;
}
