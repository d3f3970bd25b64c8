import { type OpenAPIHono, z } from "@hono/zod-openapi";
import { FactInputSchema } from "../../shared/src/facts";
import { OPEN, problemResponse } from "../../shared/src/http/openapi-docs";

/**
 * OpenAPI for ingest, generated from the same zod schemas the handler validates with. The body is
 * registered for documentation only: the handler validates it itself, after the size limits and
 * for msgpack as well as JSON.
 */
export const PushFactsResponseSchema = z.object({
  accepted: z.number().int(),
  duplicates: z.number().int(),
  eventIds: z.array(z.string()),
});

const HealthSchema = z
  .object({
    status: z.enum(["ok", "degraded"]),
    workers: z
      .record(z.string(), z.string())
      .describe('Each Worker\'s answer: "ok", "absent", "status 503", "unreachable: …"')
      .openapi({ example: { ingest: "ok", MONITOR_RUNTIME: "ok", PROJECTOR: "ok", MATCHER: "ok" } }),
  })
  .openapi("Health");

export function registerIngestDocs(app: Pick<OpenAPIHono, "openAPIRegistry">): void {
  const problemContent = problemResponse("").content;
  const body = z.object({ facts: z.array(FactInputSchema).min(1).max(1000) });
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer" });
  app.openAPIRegistry.registerPath({
    method: "post",
    path: "/v1/facts",
    operationId: "pushFacts",
    tags: ["facts"],
    summary: "Push fact packets (1 to 1000 facts, at most 1 MiB)",
    security: [{ bearer: [] }],
    request: {
      body: {
        required: true,
        content: { "application/json": { schema: body }, "application/msgpack": { schema: body } },
      },
    },
    responses: {
      202: {
        description: "Accepted and enqueued",
        content: { "application/json": { schema: PushFactsResponseSchema } },
      },
      400: { description: "Invalid batch (errors name each path)", content: problemContent },
      401: { description: "Missing or invalid producer token", content: problemContent },
      403: { description: "A kind this producer may not push", content: problemContent },
      413: { description: "Over 1000 facts or 1 MiB", content: problemContent },
      415: { description: "Not JSON or msgpack", content: problemContent },
      429: { description: "Over the producer's rate limit", content: problemContent },
      503: { description: "Queue unavailable; nothing recorded", content: problemContent },
    },
  });
  app.openAPIRegistry.registerPath({
    method: "get",
    path: "/healthz",
    operationId: "getHealth",
    tags: ["health"],
    summary: "Readiness of every Worker of the fabric",
    ...OPEN,
    responses: {
      200: { description: "Ready", content: { "application/json": { schema: HealthSchema } } },
      "4XX": problemResponse("A client error the gateway answers for any path (e.g. a malformed URL)"),
      503: { description: "A Worker is not ready", content: { "application/json": { schema: HealthSchema } } },
    },
  });
  const clientError = problemResponse("A client error the gateway answers for any path (e.g. a malformed URL)");
  app.openAPIRegistry.registerPath({
    method: "get",
    path: "/openapi.json",
    operationId: "getOpenApiDocument",
    tags: ["docs"],
    summary: "This document: OpenAPI 3.1, every Worker's routes merged",
    ...OPEN,
    responses: {
      200: { description: "The document", content: { "application/json": { schema: z.looseObject({}) } } },
      "4XX": clientError,
    },
  });
  app.openAPIRegistry.registerPath({
    method: "get",
    path: "/docs",
    operationId: "getApiReference",
    tags: ["docs"],
    summary: "The interactive API reference (Swagger UI, served by the fabric, no network needed)",
    ...OPEN,
    responses: {
      200: { description: "An HTML page", content: { "text/html": { schema: z.string() } } },
      "4XX": clientError,
    },
  });
}
