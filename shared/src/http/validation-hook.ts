import type { Context } from "hono";
import type { z } from "zod";
import { problemResponse, validationProblem } from "../problem";

/** Where a route's input came from, as the problem names it: `query.limit`, `path.monitorId`. */
const WHERE: Record<string, { detail: string; prefix: string[] }> = {
  query: { detail: "A query parameter is invalid", prefix: ["query"] },
  param: { detail: "A path parameter is invalid", prefix: ["path"] },
  header: { detail: "A request header is invalid", prefix: ["header"] },
  cookie: { detail: "A cookie is invalid", prefix: ["cookie"] },
};

/**
 * The OpenAPIHono default hook: input that fails its zod schema is a 400 problem+json whose
 * `errors` name each path and say what to fix. Body paths are as sent (`triggerEvent.data.price`);
 * query and path parameters say where they were (`query.limit: must be an integer from 1 to 1000;
 * got 5000`, `path.monitorId: …`).
 *
 * @example new OpenAPIHono({ defaultHook: validationHook })
 */
export function validationHook(
  result: { target?: string; data?: unknown } & ({ success: true } | { success: false; error: z.ZodError }),
  _c: Context,
) {
  if (result.success) return;
  const where = WHERE[result.target ?? ""] ?? { detail: "The request body is invalid", prefix: [] };
  return problemResponse(validationProblem(result.error, where.detail, { input: result.data, prefix: where.prefix }));
}
