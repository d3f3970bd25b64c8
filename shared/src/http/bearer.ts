import type { MiddlewareHandler } from "hono";
import { bearerToken, tokensEqual } from "../auth";
import { ProblemError, problem } from "../problem";

/**
 * Admin-token middleware: `Authorization: Bearer <ADMIN_AUTH_SECRET_TOKEN>`, compared in constant
 * time. A Worker deployed without the secret refuses every request (fails closed).
 *
 * @example app.use("/v1/*", requireAdmin((c) => c.env.ADMIN_AUTH_SECRET_TOKEN));
 */
export function requireAdmin<E extends { Bindings: object }>(
  secretOf: (env: E["Bindings"]) => string | undefined,
): MiddlewareHandler<E> {
  return async (c, next) => {
    const token = bearerToken(c.req.header("authorization"));
    const secret = secretOf(c.env);
    if (!token || !secret || !(await tokensEqual(token, secret))) {
      throw new ProblemError(problem("unauthorized", "A valid admin bearer token is required"), {
        "www-authenticate": 'Bearer realm="admin"',
      });
    }
    await next();
  };
}
