import type { MiddlewareHandler } from "hono";
import { bearerToken } from "../auth";
import { publicLocalTokenRefusal } from "../local-tokens";
import { ProblemError, problem } from "../problem";
import { type AdminBindings, scopeFor, scopesOf } from "./admin-scopes";

/**
 * Admin-token middleware: `Authorization: Bearer <token>`, a token of ADMIN_AUTH_SECRET_TOKEN (every
 * scope) or of ADMIN_TOKENS (some scopes), compared in constant time. No token, or an unknown one,
 * is a 401; a token without the scope the request needs (admin-scopes.ts) is a 403 naming it. A
 * Worker deployed without either secret refuses every request (fails closed), and a public local
 * token (`dev-admin-token`, …) is a 401 on a request to a public host (local-tokens.ts).
 *
 * @example app.use("/v1/*", requireAdmin());
 */
export function requireAdmin<E extends { Bindings: AdminBindings }>(): MiddlewareHandler<E> {
  return async (c, next) => {
    const token = bearerToken(c.req.header("authorization"));
    const refusal = token ? publicLocalTokenRefusal(token, c.req.url) : undefined;
    if (refusal)
      throw new ProblemError(problem("unauthorized", refusal), { "www-authenticate": 'Bearer realm="admin"' });
    const scopes = token ? await scopesOf(token, c.env) : null;
    if (!scopes) {
      throw new ProblemError(problem("unauthorized", "A valid admin bearer token is required"), {
        "www-authenticate": 'Bearer realm="admin"',
      });
    }
    const needed = scopeFor(c.req.method, c.req.path);
    if (needed !== null && !scopes.includes(needed)) {
      throw new ProblemError(
        problem(
          "forbidden",
          `This token lacks the "${needed}" scope, which ${c.req.method} ${c.req.path} needs; it holds ${scopes.map((s) => `"${s}"`).join(", ")}`,
          { requiredScope: needed },
        ),
      );
    }
    await next();
  };
}
