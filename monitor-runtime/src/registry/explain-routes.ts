import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ExplainRange } from "../../../shared/src/contract/explain";
import { decodeExplainCursor } from "../../../shared/src/contract/explain-cursor";
import { type Placement, placementOf } from "../../../shared/src/contract/placement";
import type { PulledStream } from "../../../shared/src/contract/shard-rpc";
import { ROUTES_NAME, shardCount, shardName } from "../../../shared/src/contract/topology";
import { ADMIN_PROBLEMS, docSchema, problemResponse } from "../../../shared/src/http/openapi-docs";
import { validationHook } from "../../../shared/src/http/validation-hook";
import { type MonitorDefinition, MonitorIdSchema } from "../../../shared/src/monitor";
import { fail, ProblemError, validationProblem } from "../../../shared/src/problem";
import type { RuntimeEnv } from "../env";
import type { RegistryState } from "./decider";
import { definitionOf } from "./decider";
import { EXPLAIN_PAGE_EXAMPLE, MONITOR_BODY_EXAMPLE } from "./examples";
import { ExplainDefinitionBody, ExplainPageSchema, ExplainRangeBody } from "./explain-schemas";

/**
 * Explain (DESIGN §8): why a monitor did or did not fire at each evaluation over the stored fact
 * log, replayed on its home shard with no side effects (like backtest), one page at a time. For a
 * saved monitor (`/v1/monitors/{id}/explain`) or a definition not saved yet (`/v1/explain`: "would
 * it have fired, and when"). Both only read, so a `read` token may call them (admin-scopes.ts).
 * A definition not saved reads every stream it reads: the home shard's own log, plus each stream
 * another shard owns that the home does not follow (for a saved monitor there), read from its
 * owner chunk by chunk and merged in one order: each stream in its owner's log order, and
 * between streams the fact with the smaller eventId (accepted first) first, as if the monitor had
 * been saved before those facts were accepted (matcher/src/explain/fact-merge.ts). A saved
 * monitor's replay merges the history copied to its home the same way, so the two agree over it.
 */
export const explainApp = new OpenAPIHono<{ Bindings: RuntimeEnv }>({ defaultHook: validationHook });

const json = <T extends z.ZodType>(schema: T, example: z.input<T>) => ({ "application/json": { schema, example } });
const IdParam = z.object({ monitorId: docSchema(MonitorIdSchema, { example: "btc-100k" }) });
const answers = {
  ...ADMIN_PROBLEMS,
  200: { description: "A page of evaluations", content: json(ExplainPageSchema, EXPLAIN_PAGE_EXAMPLE) },
};
explainApp.openapi(
  createRoute({
    method: "post",
    path: "/v1/monitors/{monitorId}/explain",
    operationId: "explainMonitor",
    tags: ["monitors"],
    summary: "Why the monitor did or did not fire at each evaluation over the stored fact log (no side effects)",
    security: [{ bearer: [] }],
    request: {
      params: IdParam,
      body: { required: false, content: json(ExplainRangeBody, { from: "2026-12-01T00:00:00Z", limit: 100 }) },
    },
    responses: { ...answers, 404: problemResponse("Unknown monitor") },
  }),
  async (c) => {
    const { monitorId } = c.req.valid("param");
    const range = await rangeOf(c.req, ExplainRangeBody);
    const current = (await c.env.REGISTRY.get(c.env.REGISTRY.idFromName(monitorId)).current()) as RegistryState;
    if (current.status !== "active" || !current.definition) fail("not_found", `monitor ${monitorId} not found`);
    return c.json(await explainOnHome(c.env, current.definition, range, "saved"), 200);
  },
  // The documented body is the schema the handler parses: word its mistakes as the handler does.
  (result) => {
    if (!result.success)
      throw new ProblemError(
        validationProblem(result.error, undefined, { input: (result as { data?: unknown }).data }),
      );
    return undefined;
  },
);

explainApp.openapi(
  createRoute({
    method: "post",
    path: "/v1/explain",
    operationId: "explainDefinition",
    tags: ["monitors"],
    summary: "Would this definition have fired, and when: explain a monitor body not saved yet over the stored log",
    description:
      "Replays the definition over the stored facts of every stream it reads, also streams another " +
      "matcher shard owns (such as the other side of a relative condition), merged in one order: each " +
      "stream in the order its shard applied it and, between streams, the fact ingest accepted first " +
      "(smaller eventId) first. A saved monitor's explain and backtest merge the same way, so they give " +
      "this preview's rows (facts delivered after saving replay in the order the monitor evaluated them " +
      "live, the same order unless they reached the shards out of acceptance order). Pages by `nextCursor`.",
    security: [{ bearer: [] }],
    request: {
      body: {
        required: true,
        content: json(ExplainDefinitionBody, { monitor: MONITOR_BODY_EXAMPLE, from: "2026-12-01T00:00:00Z" }),
      },
    },
    responses: answers,
  }),
  async (c) => {
    const { monitor, ...range } = await rangeOf(c.req, ExplainDefinitionBody);
    const { monitorId = "preview", ...body } = monitor;
    // Version 1: what its first match ids would be; a preview has no registered version.
    return c.json(await explainOnHome(c.env, definitionOf(monitorId, 1, body), range, "draft"), 200);
  },
  // The documented body is the schema the handler parses: word its mistakes as the handler does.
  (result) => {
    if (!result.success)
      throw new ProblemError(
        validationProblem(result.error, undefined, { input: (result as { data?: unknown }).data }),
      );
    return undefined;
  },
);

/** Parses the body (an empty one is an empty range; hono keeps the text the validator read) and checks the cursor before any replay. */
async function rangeOf<T extends typeof ExplainRangeBody | typeof ExplainDefinitionBody>(
  req: { text(): Promise<string> },
  schema: T,
): Promise<z.output<T>> {
  const text = await req.text();
  let input: unknown = {};
  try {
    input = text.trim() === "" ? {} : JSON.parse(text);
  } catch {
    fail("validation", "The request body is not valid JSON");
  }
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new ProblemError(validationProblem(parsed.error, undefined, { input }));
  const cursor = (parsed.data as ExplainRange).cursor;
  if (cursor !== undefined && !decodeExplainCursor(cursor)) refuseCursor("it is not a nextCursor this API returned");
  return parsed.data as z.output<T>;
}

/** A cursor that cannot continue, as a validation error on `cursor` that says the two ways on. */
function refuseCursor(why: string): never {
  const message = `${why}; pass the nextCursor of the previous page, or leave cursor out to start from the beginning`;
  fail("validation", `The request body is invalid: cursor: ${message}`, { errors: [{ path: "cursor", message }] });
}

/**
 * Replays on the monitor's home shard. A saved monitor's home follows every stream it reads
 * (seeded at registration, then routed live): read as it was applied there, with the seeded copy
 * merged back in by eventId (matcher/src/explain/explain-merged.ts). A draft's home reads
 * from their owners the streams other shards own that it does not follow now (per the follower
 * table; a copy it kept from a follower since removed is frozen, so it is not used).
 */
async function explainOnHome(env: RuntimeEnv, def: MonitorDefinition, range: ExplainRange, kind: "saved" | "draft") {
  const place = placementOf(def, shardCount(env));
  const home = env.SHARDS.get(env.SHARDS.idFromName(shardName(place.home)));
  const { from, to, limit, cursor } = range;
  const window = {
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
    ...(limit === undefined ? {} : { limit }),
    ...(cursor === undefined ? {} : { cursor }),
  };
  const pull = kind === "draft" ? await notFollowed(env, place) : [];
  const out =
    kind === "saved"
      ? await home.explain(def, place.streams, window, [], true)
      : pull.length
        ? await home.explain(def, place.streams, window, pull)
        : await home.explain(def, place.streams, window);
  if ("badCursor" in out) refuseCursor(out.badCursor);
  return out.page;
}

/** The streams of another shard that the home does not follow now. */
async function notFollowed(env: RuntimeEnv, place: Placement): Promise<PulledStream[]> {
  if (place.followed.length === 0) return [];
  const routes = env.ROUTES.get(env.ROUTES.idFromName(ROUTES_NAME));
  const followers = await routes.followersOf(place.followed.map((f) => f.streamKey));
  return place.followed.filter((f) => !(followers[f.streamKey] ?? []).includes(place.home));
}
