import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { shardCount, shardName } from "../../../shared/src/contract/topology";
import { FactKindSchema } from "../../../shared/src/facts";
import { ADMIN_PROBLEMS, docSchema } from "../../../shared/src/http/openapi-docs";
import { validationHook } from "../../../shared/src/http/validation-hook";
import { shardOf, streamKey } from "../../../shared/src/streams";
import { rangeInOrder, TimeQuerySchema } from "../../../shared/src/time-input";
import type { RuntimeEnv } from "../env";
import { MONITOR_EXAMPLE, STORED_FACT_EXAMPLE } from "./examples";
import { listMonitors } from "./list-monitors";
import { MonitorSchema, StoredFactSchema } from "./schemas";
import { streamKeyOfQuery } from "./stream-key-query";
import { subjectOfQuery } from "./stream-subject-query";

/**
 * The list reads: GET /v1/monitors (filters and cursor paging over the D1 read model) and GET
 * /v1/streams/{kind}/facts (a stream's stored facts, read from the matcher shard that owns it).
 * Mounted behind the admin-token middleware of the runtime app.
 */
export const readApp = new OpenAPIHono<{ Bindings: RuntimeEnv }>({ defaultHook: validationHook });

const json = <T extends z.ZodType>(schema: T, example: z.output<T>) => ({ "application/json": { schema, example } });
const limit = (max: number, dflt: number) =>
  z.coerce.number().int().min(1).max(max).default(dflt).describe(`page size, 1–${max} (default ${dflt})`);

// Strict like FactsQuery: a misspelt filter (`?workflowid=`) is a 400 with "did you mean", never the whole list.
const MonitorListQuery = z.strictObject({
  workflowId: z.string().min(1).optional(),
  ownerUserId: z.string().min(1).optional(),
  stream: z
    .string()
    .min(1)
    .optional()
    .describe(
      "monitors that read this stream, by a condition or a relative condition's operand: a stream key, e.g. market_price:BTC-USD; subject parts raw (EUR/USD) or percent-encoded (EUR%2FUSD)",
    ),
  enabled: z.enum(["true", "false"]).optional(),
  status: z
    .enum(["active", "disabled", "expired"])
    .optional()
    .describe(
      "expired: expiresAt has passed; disabled: not expired, and enabled is false or a once monitor has matched; active: the rest",
    ),
  limit: limit(500, 100),
  cursor: z.string().min(1).optional().describe("nextCursor of the previous page"),
});

readApp.openapi(
  createRoute({
    method: "get",
    path: "/v1/monitors",
    operationId: "listMonitors",
    tags: ["monitors"],
    summary:
      "List monitors (filters: workflowId, ownerUserId, stream, enabled, status), monitorId order, cursor paging",
    security: [{ bearer: [] }],
    request: { query: MonitorListQuery },
    responses: {
      ...ADMIN_PROBLEMS,
      200: {
        description: "A page of monitors, each with its state",
        content: json(z.object({ monitors: z.array(MonitorSchema), nextCursor: z.string().nullable() }), {
          monitors: [MONITOR_EXAMPLE],
          nextCursor: "btc-100k",
        }),
      },
    },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const page = await listMonitors(
      c.env.DB,
      {
        ...(q.workflowId ? { workflowId: q.workflowId } : {}),
        ...(q.ownerUserId ? { ownerUserId: q.ownerUserId } : {}),
        ...(q.stream ? { stream: streamKeyOfQuery(q.stream) } : {}),
        ...(q.enabled ? { enabled: q.enabled === "true" } : {}),
        ...(q.status ? { status: q.status } : {}),
      },
      q.limit,
      q.cursor,
    );
    return c.json(page as { monitors: z.output<typeof MonitorSchema>[]; nextCursor: string | null }, 200);
  },
);

// Strict: a misspelt subject field (`?sym=`) is a 400 with "did you mean", never an empty stream.
const FactsQuery = z
  .strictObject({
    symbol: z.string().min(1).optional(),
    accountId: z.string().min(1).optional(),
    userId: z.string().min(1).optional(),
    portfolioId: z.string().min(1).optional(),
    asset: z.string().min(1).optional(),
    from: TimeQuerySchema.optional().describe("RFC 3339 or epoch ms: observedAt at or after"),
    to: TimeQuerySchema.optional().describe("RFC 3339 or epoch ms: observedAt at or before"),
    limit: limit(1000, 100),
    cursor: z
      .string()
      .regex(/^\d+\..+$/, "expected the nextCursor of the previous page")
      .optional(),
    order: z
      .enum(["asc", "desc"])
      .default("asc")
      .describe("asc: oldest first (default); desc: newest first, nextCursor continuing to older facts"),
  })
  .superRefine(rangeInOrder);

readApp.openapi(
  createRoute({
    method: "get",
    path: "/v1/streams/{kind}/facts",
    operationId: "listStreamFacts",
    tags: ["streams"],
    summary:
      "A stream's stored facts in event-time order, or newest first with order=desc (subject fields as query parameters), cursor paging",
    security: [{ bearer: [] }],
    request: { params: z.object({ kind: docSchema(FactKindSchema, { example: "market_price" }) }), query: FactsQuery },
    responses: {
      ...ADMIN_PROBLEMS,
      200: {
        description: "A page of facts (observedAt in epoch ms)",
        content: json(
          z.object({ streamKey: z.string(), facts: z.array(StoredFactSchema), nextCursor: z.string().nullable() }),
          { streamKey: "market_price:BTC-USD", facts: [STORED_FACT_EXAMPLE], nextCursor: null },
        ),
      },
    },
  }),
  async (c) => {
    const { kind } = c.req.valid("param");
    const { from, to, limit: size, cursor, order, ...subject } = c.req.valid("query");
    const key = streamKey({ kind, subject: subjectOfQuery(kind, subject) });
    const owner = c.env.SHARDS.get(c.env.SHARDS.idFromName(shardName(shardOf(key, shardCount(c.env)))));
    const page = await owner.readFacts(key, {
      limit: size,
      order,
      ...(from === undefined ? {} : { from }),
      ...(to === undefined ? {} : { to }),
      ...(cursor ? { cursor } : {}),
    });
    return c.json(
      { streamKey: key, ...page } as unknown as {
        streamKey: string;
        facts: z.output<typeof StoredFactSchema>[];
        nextCursor: string | null;
      },
      200,
    );
  },
);
