import { z } from "@hono/zod-openapi";
import { PROBLEM_STATUS, type ProblemCode } from "../problem";

/**
 * The pieces every Worker's OpenAPI routes share, so the merged document has one problem schema
 * (a `components` entry, `errors[]` included), one tag vocabulary and one way to say "open route"
 * or "admin route". The schema mirrors `Problem` in ../problem.ts (which stays the one that builds
 * the bodies).
 *
 * @example createRoute({ …, operationId: "getMonitor", tags: ["monitors"], ...ADMIN, responses: { 200: …, ...problems(404) } })
 */
export const ProblemIssueSchema = z
  .object({
    path: z.string().openapi({ example: "facts.3.data.price" }),
    message: z.string().openapi({ example: "Invalid input: expected number, received string" }),
  })
  .openapi("ProblemIssue");

export const ProblemSchema = z
  .looseObject({
    type: z.string().openapi({ example: "https://trigger-fabric.dev/problems/validation" }),
    title: z.string().openapi({ example: "Invalid request" }),
    status: z.number().int().openapi({ example: 400 }),
    detail: z.string().openapi({ example: "The request body is invalid: facts.3.data.price" }),
    code: z.enum(Object.keys(PROBLEM_STATUS) as [ProblemCode, ...ProblemCode[]]).optional(),
    errors: z.array(ProblemIssueSchema).optional().describe("For a validation failure: each zod issue and its path"),
  })
  .openapi("Problem");

/** The tags of the public document, one per area a reader looks for. */
export type ApiTag =
  | "facts"
  | "monitors"
  | "streams"
  | "control-plane"
  | "admin"
  | "projections"
  | "dead-letters"
  | "agents"
  | "health"
  | "docs";

const WHEN: Record<number, string> = {
  400: "Invalid request (errors[] names each path)",
  401: "Missing or invalid token",
  403: "The token lacks the scope this route needs",
  404: "Not found",
  409: "Conflict",
  412: "expectedVersion does not match",
  413: "Request too large",
  415: "Unsupported content type",
  429: "Too many requests",
  503: "Temporarily unavailable; retry",
};

/** One problem+json response. */
export function problemResponse(description: string) {
  return { description, content: { "application/problem+json": { schema: ProblemSchema } } };
}

/** problem+json responses for these statuses, with the default wording (override by spreading after). */
export function problems<S extends number>(...statuses: S[]): Record<S, ReturnType<typeof problemResponse>> {
  return Object.fromEntries(statuses.map((s) => [s, problemResponse(WHEN[s] ?? "Error")])) as Record<
    S,
    ReturnType<typeof problemResponse>
  >;
}

/** An admin-token route: the bearer scheme (spread ADMIN_PROBLEMS into its responses). */
export const ADMIN = { security: [{ bearer: [] }] };
/** A route anyone may call. */
export const OPEN = { security: [] };

/** The 4xx every admin route can answer: a bad request, no token, a token without the scope. */
export const ADMIN_PROBLEMS = problems(400, 401, 403);

type OpenApiArgs = [string] | [string, Record<string, unknown>] | [Record<string, unknown>];
/**
 * `.openapi(…)` on a schema from shared/ (which imports plain `zod`). In a Worker bundle there is
 * one zod, extended by @hono/zod-openapi; under the vitest pool a shared module can get a second
 * zod instance that was never extended, and the call would throw at import. There the schema stays
 * unnamed: it validates the same, and the document (linted from `npm run dev`) is unaffected.
 *
 * @example const FactInput = docSchema(FactInputSchema, "FactInput");
 */
export function docSchema<T extends z.ZodType>(schema: T, ...args: OpenApiArgs): T {
  const extended = schema as T & { openapi?: (...a: OpenApiArgs) => T };
  return typeof extended.openapi === "function" ? extended.openapi(...args) : schema;
}
