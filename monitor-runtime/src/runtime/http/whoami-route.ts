import { OpenAPIHono, z } from "@hono/zod-openapi";
import { bearerToken } from "../../../../shared/src/auth";
import { ADMIN_SCOPES, adminIdentity, WHOAMI_PATH } from "../../../../shared/src/http/admin-scopes";
import { ADMIN, problems } from "../../../../shared/src/http/openapi-docs";
import { fail } from "../../../../shared/src/problem";
import type { RuntimeEnv } from "../../env";

/**
 * `GET /v1/admin/whoami`: what the caller's admin token may do, so a console or a CLI can offer
 * only what will be allowed instead of finding out by trying. Any admin token may ask (admin-scopes.ts
 * `scopeFor` needs no scope here); an unknown one is the usual 401 from the admin middleware. The
 * answer never echoes the token.
 *
 * @example GET /v1/admin/whoami → 200 { "scopes": ["read"], "name": "ops-dashboard" }
 */
export const WhoamiSchema = z
  .object({
    scopes: z
      .array(z.enum(ADMIN_SCOPES))
      .describe("read: every GET and explain; write: every other change; control-plane: the seed-000 routes"),
    name: z.string().optional().describe("The name the token's ADMIN_TOKENS entry gives it, when it has one"),
  })
  .openapi("Whoami");

export const whoamiApp = new OpenAPIHono<{ Bindings: RuntimeEnv }>();

whoamiApp.openapi(
  {
    method: "get",
    path: WHOAMI_PATH,
    operationId: "whoami",
    tags: ["admin"],
    summary: "The scopes the caller's admin token holds (any admin token may ask)",
    ...ADMIN,
    responses: {
      ...problems(401),
      200: {
        description: "The token's scopes",
        content: { "application/json": { schema: WhoamiSchema, example: { scopes: ["read"], name: "ops-dashboard" } } },
      },
    },
  },
  async (c) => {
    // The admin middleware already refused a missing or unknown token; this reads the same answer.
    const identity = await adminIdentity(bearerToken(c.req.header("authorization")) ?? "", c.env);
    if (!identity) fail("unauthorized", "A valid admin bearer token is required");
    return c.json({ scopes: [...identity.scopes], ...(identity.name ? { name: identity.name } : {}) }, 200);
  },
);
