import { OpenAPIHono, z } from "@hono/zod-openapi";
import { listDeadLetters, markReplayed, originalBody } from "../../shared/src/dead-letters";
import { requireAdmin } from "../../shared/src/http/bearer";
import { notFound, onError } from "../../shared/src/http/errors";
import { fail } from "../../shared/src/problem";
import { shardName } from "../../shared/src/streams";
import { type MatcherEnv, shardCount } from "./env";

/** Matcher admin routes: per-shard stats and the facts dead letters (list, replay). */
export const app = new OpenAPIHono<{ Bindings: MatcherEnv }>();
app.onError(onError);
app.notFound(notFound);
app.get("/healthz", (c) => c.json({ status: "ok", shards: shardCount(c.env) }));
app.doc31("/openapi.json", { openapi: "3.1.0", info: { title: "matcher", version: "1.0.0" } });
app.use(
  "/v1/*",
  requireAdmin<{ Bindings: MatcherEnv }>((env) => env.ADMIN_AUTH_SECRET_TOKEN),
);

const ShardStats = z.record(z.string(), z.number().nullable());
app.openapi(
  {
    method: "get",
    path: "/v1/admin/shards",
    summary: "Per-shard facts applied, matches, outbox backlog and oldest undelivered match age",
    security: [{ bearer: [] }],
    responses: {
      200: {
        description: "Stats",
        content: { "application/json": { schema: z.object({ shards: z.array(ShardStats) }) } },
      },
    },
  },
  async (c) => {
    const n = shardCount(c.env);
    const shards = await Promise.all(
      Array.from({ length: n }, async (_, i) => ({
        shard: i,
        ...(await c.env.SHARDS.get(c.env.SHARDS.idFromName(shardName(i))).stats()),
      })),
    );
    return c.json({ shards }, 200);
  },
);

app.get("/v1/admin/dead-letters/facts", async (c) => {
  const rows = await listDeadLetters(c.env.DB, "facts", Number(c.req.query("limit") ?? 100) || 100);
  return c.json({ deadLetters: rows.map(({ body: _body, ...row }) => row) });
});

app.post("/v1/admin/dead-letters/facts/:id/replay", async (c) => {
  const row = (await listDeadLetters(c.env.DB, "facts", 1000)).find((r) => r.id === c.req.param("id"));
  if (!row) fail("not_found", `no dead letter ${c.req.param("id")} on queue facts`);
  const { body, contentType } = originalBody(row);
  // Shards drop facts whose eventId they already applied, so replaying twice applies nothing twice.
  await c.env.FACTS_QUEUE.send(body as Uint8Array, { contentType });
  await markReplayed(c.env.DB, row.id);
  return c.json({ replayed: row.id }, 202);
});
