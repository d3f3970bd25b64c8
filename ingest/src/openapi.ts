import { type OpenAPIHono, z } from "@hono/zod-openapi";
import { FactInputSchema } from "../../shared/src/facts";

/**
 * OpenAPI for ingest, generated from the same zod schemas the handler validates with. The body is
 * registered for documentation only: the handler validates it itself, after the size limits and
 * for msgpack as well as JSON.
 */
const ProblemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

export const PushFactsResponseSchema = z.object({
  accepted: z.number().int(),
  duplicates: z.number().int(),
  eventIds: z.array(z.string()),
});

export function registerIngestDocs(app: Pick<OpenAPIHono, "openAPIRegistry">): void {
  const problemContent = { "application/problem+json": { schema: ProblemSchema } };
  const body = z.object({ facts: z.array(FactInputSchema).min(1).max(1000) });
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer" });
  app.openAPIRegistry.registerPath({
    method: "post",
    path: "/v1/facts",
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
    summary: "Readiness of every Worker of the fabric",
    responses: { 200: { description: "Ready" }, 503: { description: "A Worker is not ready" } },
  });
}
