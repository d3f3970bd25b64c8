import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { listDeadLetters, markReplayed, originalBody } from "../../../../shared/src/dead-letters";
import { validationHook } from "../../../../shared/src/http/validation-hook";
import { fail } from "../../../../shared/src/problem";
import type { RuntimeEnv } from "../../env";

/**
 * Dead letters of Queue "wakes": wake-ups the paced consumer gave up on (a malformed message, or
 * one that kept failing). Listing them, and replaying one onto the queue: its wake-up id makes a
 * replay of a wake that did reach its session a duplicate, so replaying never ticks twice.
 *
 * @example POST /v1/admin/dead-letters/wakes/{id}/replay → 202 { replayed: id }
 */
export const wakeDeadLetterApp = new OpenAPIHono<{ Bindings: RuntimeEnv }>({ defaultHook: validationHook });

const DeadLetterSchema = z.object({
  id: z.string(),
  source_queue: z.string(),
  reason: z.string(),
  attempts: z.number(),
  failed_at: z.number(),
  replayed_at: z.number().nullable(),
  replay_count: z.number(),
});
const problemDoc = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: z.object({ detail: z.string() }) } },
});

wakeDeadLetterApp.openapi(
  createRoute({
    method: "get",
    path: "/v1/admin/dead-letters/wakes",
    summary: "Wake-ups the wakes consumer gave up on, newest first",
    security: [{ bearer: [] }],
    request: { query: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }) },
    responses: {
      200: {
        description: "Dead letters",
        content: { "application/json": { schema: z.object({ deadLetters: z.array(DeadLetterSchema) }) } },
      },
    },
  }),
  async (c) => {
    const rows = await listDeadLetters(c.env.DB, "wakes", c.req.valid("query").limit);
    return c.json({ deadLetters: rows.map(({ body: _body, ...row }) => row) }, 200);
  },
);

wakeDeadLetterApp.openapi(
  createRoute({
    method: "post",
    path: "/v1/admin/dead-letters/wakes/{id}/replay",
    summary: "Send a dead-lettered wake-up back to Queue wakes (a wake that reached its session is a duplicate)",
    security: [{ bearer: [] }],
    request: { params: z.object({ id: z.string().min(1) }) },
    responses: {
      202: {
        description: "Replayed",
        content: { "application/json": { schema: z.object({ replayed: z.string() }) } },
      },
      404: problemDoc("No such dead letter"),
    },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const row = (await listDeadLetters(c.env.DB, "wakes", 1000)).find((r) => r.id === id);
    if (!row) fail("not_found", `no dead letter ${id} on queue wakes`);
    const { body, contentType } = originalBody(row);
    await c.env.WAKES_QUEUE.send(body, { contentType });
    await c.env.DB.batch([c.env.DB.prepare("UPDATE wake_backlog SET accepted = accepted + 1 WHERE id = 0")]);
    await markReplayed(c.env.DB, row.id);
    return c.json({ replayed: row.id }, 202);
  },
);
