import { type OpenAPIHono, z } from "@hono/zod-openapi";
import { FactInputSchema, type PushFactsBodySchema } from "../../shared/src/facts";
import { docSchema, OPEN, problemResponse } from "../../shared/src/http/openapi-docs";

/**
 * OpenAPI for ingest, generated from the same zod schemas the handler validates with. The body is
 * registered for documentation only: the handler validates it itself, after the size limits and
 * for msgpack as well as JSON.
 */
export const PushFactsResponseSchema = z.object({
  accepted: z.number().int(),
  duplicates: z.number().int(),
  eventIds: z.array(z.string()),
  conflicts: z
    .array(
      z.object({
        index: z.number().int().describe("The fact's position in this request"),
        dedupeKey: z.string(),
        eventId: z.string().describe("The eventId of the fact recorded under this key"),
      }),
    )
    .optional()
    .describe(
      "Present only when some are: facts answered as duplicates whose content (kind, subject, observedAt, data) " +
        "differs from the fact recorded under their dedupeKey. They were not recorded; make dedupeKey unique per fact.",
    ),
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

const PUSH_EXAMPLE: z.input<typeof PushFactsBodySchema> = {
  facts: [
    {
      kind: "market_price",
      subject: { symbol: "BTC-USD" },
      observedAt: "2026-12-05T13:50:00Z",
      dedupeKey: "coinbase:BTC-USD:1764942600",
      data: { price: 100250.5 },
    },
  ],
};

export function registerIngestDocs(app: Pick<OpenAPIHono, "openAPIRegistry">): void {
  const problemContent = problemResponse("").content;
  const body = z.object({ facts: z.array(docSchema(FactInputSchema, "FactInput")).min(1).max(1000) });
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
        content: {
          "application/json": { schema: body, example: PUSH_EXAMPLE },
          "application/msgpack": { schema: body },
        },
      },
    },
    responses: {
      202: {
        description: "Accepted and enqueued",
        content: {
          "application/json": {
            schema: PushFactsResponseSchema,
            example: { accepted: 1, duplicates: 0, eventIds: ["01KBQ3Z0A1B2C3D4E5F6G7H8J9"] },
          },
        },
      },
      400: { description: "Invalid batch (errors name each path)", content: problemContent },
      401: {
        description: "Missing or invalid producer token, or (a producer that signs) push signature",
        content: problemContent,
      },
      403: { description: "A kind this producer may not push", content: problemContent },
      409: {
        description: "Another request with the same dedupeKeys is still in flight: retry after Retry-After",
        content: problemContent,
      },
      413: { description: "Over 1000 facts or 1 MiB", content: problemContent },
      415: { description: "Not JSON or msgpack, or a compressed body (Content-Encoding)", content: problemContent },
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
      200: {
        description: "Ready",
        content: {
          "application/json": {
            schema: HealthSchema,
            example: { status: "ok", workers: { ingest: "ok", MONITOR_RUNTIME: "ok", PROJECTOR: "ok", MATCHER: "ok" } },
          },
        },
      },
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
      200: {
        description: "The document",
        content: {
          "application/json": {
            schema: z.looseObject({ openapi: z.string(), info: z.looseObject({}), paths: z.looseObject({}) }),
            example: { openapi: "3.1.0", info: { title: "Trigger-matcher fabric", version: "1.0.0" }, paths: {} },
          },
        },
      },
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
      200: {
        description: "An HTML page",
        content: { "text/html": { schema: z.string(), example: "<!doctype html><html>…Swagger UI…</html>" } },
      },
      "4XX": clientError,
    },
  });
}
