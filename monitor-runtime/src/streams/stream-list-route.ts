import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { FactKindSchema } from "../../../shared/src/facts";
import { ADMIN_PROBLEMS, docSchema } from "../../../shared/src/http/openapi-docs";
import { validationHook } from "../../../shared/src/http/validation-hook";
import type { RuntimeEnv } from "../env";
import { listStreams } from "./list-streams";

/**
 * GET /v1/streams: the streams the matcher shards hold, with their stored fact counts, event-time
 * span and how many monitors read them; filters by kind and by text in the key or subject (a typo
 * in a producer's symbol is found by a part of it). Mounted behind the admin-token middleware.
 */
export const streamListApp = new OpenAPIHono<{ Bindings: RuntimeEnv }>({ defaultHook: validationHook });

// Strict like the other list reads: a misspelt filter (`?kinds=`) is a 400 with "did you mean", never the whole list.
const StreamListQuery = z.strictObject({
  kind: docSchema(FactKindSchema, { example: "market_price" }).optional().describe("only streams of this fact kind"),
  q: z
    .string()
    .min(1)
    .max(128)
    .optional()
    .describe("only streams whose key or subject contains this text, in any case (q=btc finds BTC-USD and BTCUSD)"),
  limit: z.coerce.number().int().min(1).max(500).default(100).describe("page size, 1–500 (default 100)"),
  cursor: z.string().min(1).optional().describe("nextCursor of the previous page"),
});

const StreamSchema = z
  .object({
    streamKey: z.string().openapi({ example: "market_price:BTC-USD" }),
    kind: z.string(),
    subject: z.record(z.string(), z.string()).describe("the subject fields, as the kind's facts carry them"),
    facts: z.number().int().describe("stored facts (stale ones included; the log keeps FACT_LOG_RETENTION_MS)"),
    firstObservedAt: z.number().nullable().describe("epoch ms: the oldest applied fact stored (null: none)"),
    lastObservedAt: z.number().nullable().describe("epoch ms: the newest applied fact stored (null: none)"),
    monitors: z.number().int().describe("monitors that read it (as GET /v1/monitors?stream= lists them)"),
  })
  .openapi("Stream");

const EXAMPLE: z.output<typeof StreamSchema> = {
  streamKey: "market_price:BTC-USD",
  kind: "market_price",
  subject: { symbol: "BTC-USD" },
  facts: 1440,
  firstObservedAt: 1764856200000,
  lastObservedAt: 1764942600000,
  monitors: 3,
};

streamListApp.openapi(
  createRoute({
    method: "get",
    path: "/v1/streams",
    operationId: "listStreams",
    tags: ["streams"],
    summary: "List the streams the fabric holds (filters: kind, q), streamKey order, cursor paging",
    security: [{ bearer: [] }],
    request: { query: StreamListQuery },
    responses: {
      ...ADMIN_PROBLEMS,
      200: {
        description: "A page of streams, each with its stored facts, event-time span and monitor count",
        content: {
          "application/json": {
            schema: z.object({ streams: z.array(StreamSchema), nextCursor: z.string().nullable() }),
            example: { streams: [EXAMPLE], nextCursor: "market_price:BTC-USD" },
          },
        },
      },
    },
  }),
  async (c) => {
    const { kind, q, limit, cursor } = c.req.valid("query");
    const filter = { ...(kind ? { kind } : {}), ...(q ? { q } : {}) };
    return c.json(await listStreams(c.env, filter, limit, cursor), 200);
  },
);
