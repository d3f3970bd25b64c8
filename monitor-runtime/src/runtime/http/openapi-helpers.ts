import { createRoute, type z } from "@hono/zod-openapi";
import { type ApiTag, problemResponse } from "../../../../shared/src/http/openapi-docs";

/**
 * Route configs for the admin contract: a JSON body validated by zod, one success response, and
 * the problem+json failures every admin route can answer.
 *
 * @example app.openapi(adminPost("/v1/admin/…/due", "Load due monitors", DueBodySchema, 200, DueResponseSchema, { operationId: "loadDueMonitors" }), handler)
 */
const problem = problemResponse;

export const PROBLEMS = {
  400: problem("Invalid body (errors name each path)"),
  401: problem("Missing or invalid admin token"),
  403: problem("The token lacks the scope, or an owner mismatch"),
  404: problem("Unknown workflow or monitor"),
  409: problem("Conflict (e.g. the active instance only sleeps on time)"),
  429: problem("The monitor session has too many queued wake-ups"),
  503: problem("Workflows or the tick facade unavailable; retry"),
} as const;

export function adminPost<B extends z.ZodType, S extends 200 | 201 | 202, R extends z.ZodType>(
  path: string,
  summary: string,
  body: B,
  status: S,
  response: R,
  meta: {
    operationId: string;
    tags?: ApiTag[];
    example: { request: z.input<B>; response: z.output<R> };
    /** The 413 of a batch route: what is over its limit. */
    tooLarge?: string;
  },
) {
  return createRoute({
    method: "post",
    path,
    summary,
    operationId: meta.operationId,
    tags: meta.tags ?? ["control-plane"],
    security: [{ bearer: [] }],
    request: {
      body: { required: true, content: { "application/json": { schema: body, example: meta.example.request } } },
    },
    responses: {
      [status]: {
        description: "OK",
        content: { "application/json": { schema: response, example: meta.example.response } },
      },
      ...PROBLEMS,
      ...(meta.tooLarge ? { 413: problem(meta.tooLarge) } : {}),
    } as { [K in S]: { description: string; content: { "application/json": { schema: R } } } } & typeof PROBLEMS,
  });
}
