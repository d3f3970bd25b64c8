import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { placementOf } from "../../../shared/src/contract/placement";
import { shardCount, shardName } from "../../../shared/src/contract/topology";
import { ADMIN_PROBLEMS, docSchema, problemResponse } from "../../../shared/src/http/openapi-docs";
import { validationHook } from "../../../shared/src/http/validation-hook";
import { MonitorBodySchema, MonitorIdSchema } from "../../../shared/src/monitor";
import { fail, ProblemError, problem, validationProblem } from "../../../shared/src/problem";
import { rangeInOrder, TimeInputSchema } from "../../../shared/src/time-input";
import type { RuntimeEnv } from "../env";
import type { RegistryState } from "./decider";
import { BACKTEST_MATCH_EXAMPLE, MATCH_EXAMPLE, MONITOR_BODY_EXAMPLE, MONITOR_EXAMPLE } from "./examples";
import type { CommandResult } from "./monitor-registry";
import { monitorKnown, readMatches, readMonitor } from "./read-model";
import { BacktestMatchSchema, MatchSchema, MonitorSchema } from "./schemas";

/**
 * The monitor registry (DESIGN §8): PUT / GET / DELETE /v1/monitors/{id}, its matches and a
 * backtest. Writes go through the monitor's MonitorRegistry object; reads come from D1.
 * Mounted behind the admin-token middleware of the runtime app.
 */
export const registryApp = new OpenAPIHono<{ Bindings: RuntimeEnv }>({ defaultHook: validationHook });

const IdParam = z.object({ monitorId: docSchema(MonitorIdSchema, { example: "btc-100k" }) });

const json = <T extends z.ZodType>(schema: T, example?: z.input<T> | z.output<T>) => ({
  "application/json": { schema, ...(example === undefined ? {} : { example }) },
});
const problemDoc = problemResponse;

function registry(env: RuntimeEnv, monitorId: string) {
  return env.REGISTRY.get(env.REGISTRY.idFromName(monitorId));
}

/** The 503 of a write (failed below): recorded, not yet on every shard; a retry confirms it. */
const UNAPPLIED = "Recorded but not yet applied on every shard; retry after Retry-After seconds to confirm";

function failed(r: Extract<CommandResult, { ok: false }>): never {
  const extra = r.currentVersion === undefined ? {} : { currentVersion: r.currentVersion };
  throw new ProblemError(problem(r.code, r.detail, extra), r.code === "unavailable" ? { "retry-after": "1" } : {});
}

registryApp.openapi(
  createRoute({
    method: "put",
    path: "/v1/monitors/{monitorId}",
    operationId: "putMonitor",
    tags: ["monitors"],
    summary: "Register or update a monitor (201 new, 200 updated); answers once every shard indexed it",
    security: [{ bearer: [] }],
    request: { params: IdParam, body: { required: true, content: json(MonitorBodySchema, MONITOR_BODY_EXAMPLE) } },
    responses: {
      ...ADMIN_PROBLEMS,
      200: {
        description: "Updated (or unchanged)",
        content: json(z.object({ monitorId: z.string(), version: z.number() }), { monitorId: "btc-100k", version: 2 }),
      },
      201: {
        description: "Registered",
        content: json(z.object({ monitorId: z.string(), version: z.number() }), { monitorId: "btc-100k", version: 1 }),
      },
      400: problemDoc("Invalid monitor or predicate (errors name each path)"),
      412: problemDoc("expectedVersion does not match"),
      503: problemDoc(UNAPPLIED),
    },
  }),
  async (c) => {
    const { monitorId } = c.req.valid("param");
    const input: unknown = await c.req.json().catch(() => fail("validation", "The request body is not valid JSON"));
    const parsed = MonitorBodySchema.safeParse(input);
    if (!parsed.success) throw new ProblemError(validationProblem(parsed.error, "The monitor is invalid", { input }));
    const body = parsed.data;
    const r = await registry(c.env, monitorId).command({ type: "register_or_update", monitorId, body });
    if (!r.ok) failed(r);
    return c.json({ monitorId, version: r.version }, r.created ? 201 : 200);
  },
  // The documented body is the schema the handler parses with, so the generated validator meets
  // every mistake first: word it as the handler does.
  (result) => {
    // With the input, a failed predicate union is explained at the alternative it was meant for.
    if (!result.success)
      throw new ProblemError(
        validationProblem(result.error, "The monitor is invalid", { input: (result as { data?: unknown }).data }),
      );
    return undefined;
  },
);

registryApp.openapi(
  createRoute({
    method: "get",
    path: "/v1/monitors/{monitorId}",
    operationId: "getMonitor",
    tags: ["monitors"],
    summary: "A monitor's definition and state (matches, ticks)",
    security: [{ bearer: [] }],
    request: { params: IdParam },
    responses: {
      ...ADMIN_PROBLEMS,
      200: { description: "The monitor", content: json(MonitorSchema, MONITOR_EXAMPLE) },
      404: problemDoc("Unknown or removed"),
    },
  }),
  async (c) => {
    const { monitorId } = c.req.valid("param");
    const monitor = await readMonitor(c.env.DB, monitorId);
    if (!monitor) fail("not_found", `monitor ${monitorId} not found`);
    return c.json(monitor as z.output<typeof MonitorSchema>, 200);
  },
);

/**
 * A conditional DELETE, as PUT's expectedVersion: it removes only the version the caller read, so
 * a delete based on a stale read cannot remove a newer definition (or a re-created monitor).
 * Strict: a misspelt key is a 400, not an unconditional delete.
 */
const DeleteQuery = z.strictObject({
  expectedVersion: z.coerce
    .number()
    .int()
    .min(1)
    .optional()
    .describe("remove only if the monitor is at this version (the version a GET returned); else 412"),
});

registryApp.openapi(
  createRoute({
    method: "delete",
    path: "/v1/monitors/{monitorId}",
    operationId: "deleteMonitor",
    tags: ["monitors"],
    summary: "Remove a monitor; matching stops (expectedVersion: only if still at that version)",
    security: [{ bearer: [] }],
    request: { params: IdParam, query: DeleteQuery },
    responses: {
      ...ADMIN_PROBLEMS,
      204: { description: "Removed (or already removed)" },
      404: problemDoc("Unknown monitor"),
      412: problemDoc("expectedVersion does not match the live version (currentVersion says which it is)"),
      503: problemDoc(UNAPPLIED),
    },
  }),
  async (c) => {
    const { monitorId } = c.req.valid("param");
    const { expectedVersion } = c.req.valid("query");
    const command = {
      type: "remove" as const,
      monitorId,
      ...(expectedVersion === undefined ? {} : { expectedVersion }),
    };
    const r = await registry(c.env, monitorId).command(command);
    if (!r.ok) failed(r);
    return c.body(null, 204);
  },
);

registryApp.openapi(
  createRoute({
    method: "get",
    path: "/v1/monitors/{monitorId}/matches",
    operationId: "listMonitorMatches",
    tags: ["monitors"],
    summary: "The monitor's matches in event-time order, or newest first with order=desc (after = a matchId cursor)",
    security: [{ bearer: [] }],
    request: {
      params: IdParam,
      // Strict: a misspelt key (`?limt=`) is a 400 with "did you mean", not silently the default.
      query: z.strictObject({
        limit: z.coerce.number().int().min(1).max(1000).default(100),
        after: z.string().max(400).optional(),
        order: z
          .enum(["asc", "desc"])
          .default("asc")
          .describe("asc: oldest first (default); desc: newest first, `after` then continuing to older matches"),
      }),
    },
    responses: {
      ...ADMIN_PROBLEMS,
      404: problemDoc("No monitor of this id was ever registered"),
      200: {
        description: "A page of matches",
        content: json(z.object({ matches: z.array(MatchSchema) }), { matches: [MATCH_EXAMPLE] }),
      },
    },
  }),
  async (c) => {
    const { monitorId } = c.req.valid("param");
    const { limit, after, order } = c.req.valid("query");
    const matches = await readMatches(c.env.DB, monitorId, limit, after, order);
    if (matches === null) {
      const message = `no match ${after} of monitor ${monitorId} was recorded; pass the matchId of the last match of the previous page, or leave after out to start from the first`;
      fail("validation", `A query parameter is invalid: query.after: ${message}`, {
        errors: [{ path: "query.after", message }],
      });
    }
    // An empty first page of a monitor that was never registered is a typo, not "no matches yet"
    // (a removed monitor keeps its row, and its matches stay readable).
    if (matches.length === 0 && !after && !(await monitorKnown(c.env.DB, monitorId))) {
      fail("not_found", `No monitor ${monitorId} was ever registered; GET /v1/monitors lists them`);
    }
    return c.json({ matches: matches as z.output<typeof MatchSchema>[] }, 200);
  },
);

/** Times as facts take them: RFC 3339 with an offset, or epoch ms. */
const BacktestBody = z
  .strictObject({ from: TimeInputSchema.optional(), to: TimeInputSchema.optional() })
  .superRefine(rangeInOrder);
registryApp.openapi(
  createRoute({
    method: "post",
    path: "/v1/monitors/{monitorId}/backtest",
    operationId: "backtestMonitor",
    tags: ["monitors"],
    summary: "The matches the current definition would have produced over the stored fact log (no side effects)",
    security: [{ bearer: [] }],
    request: {
      params: IdParam,
      body: { required: false, content: json(BacktestBody, { from: "2026-12-01T00:00:00Z", to: 1764942600000 }) },
    },
    responses: {
      ...ADMIN_PROBLEMS,
      200: {
        description: "Matches",
        content: json(z.object({ matches: z.array(BacktestMatchSchema) }), { matches: [BACKTEST_MATCH_EXAMPLE] }),
      },
      404: problemDoc("Unknown monitor"),
    },
  }),
  async (c) => {
    const { monitorId } = c.req.valid("param");
    const input: unknown = await c.req.json().catch(() => ({}));
    const range = BacktestBody.safeParse(input);
    if (!range.success) throw new ProblemError(validationProblem(range.error, undefined, { input }));
    const current = (await registry(c.env, monitorId).current()) as RegistryState;
    if (current.status !== "active" || !current.definition) fail("not_found", `monitor ${monitorId} not found`);
    const place = placementOf(current.definition, shardCount(c.env));
    const home = c.env.SHARDS.get(c.env.SHARDS.idFromName(shardName(place.home)));
    const matches = await home.backtest(current.definition, place.streams, range.data.from, range.data.to);
    return c.json({ matches: matches as z.output<typeof BacktestMatchSchema>[] }, 200);
  },
);
