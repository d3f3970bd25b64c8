import type { Context } from "hono";
import type { z } from "zod";
import { problemResponse, validationProblem } from "../problem";

/**
 * The OpenAPIHono default hook: a body that fails its zod schema is a 400 problem+json whose
 * `errors` name each path (`triggerEvent.data.price`).
 *
 * @example new OpenAPIHono({ defaultHook: validationHook })
 */
export function validationHook(result: { success: true } | { success: false; error: z.ZodError }, _c: Context) {
  if (!result.success) return problemResponse(validationProblem(result.error));
}
