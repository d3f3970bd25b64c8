import { OpenAPIHono } from "@hono/zod-openapi";
import { deadLetterListAnswer } from "../../../../shared/src/dead-letter-page";
import { replayDeadLetter } from "../../../../shared/src/dead-letters";
import { deadLetterListRoute, deadLetterReplayRoute } from "../../../../shared/src/http/dead-letter-routes";
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

wakeDeadLetterApp.openapi(deadLetterListRoute("wakes"), async (c) => {
  return c.json(await deadLetterListAnswer(c.env.DB, "wakes", c.req.valid("query"), false), 200);
});

wakeDeadLetterApp.openapi(deadLetterReplayRoute("wakes"), async (c) => {
  const { id } = c.req.valid("param");
  const sent = await replayDeadLetter(c.env.DB, "wakes", id, async (body, t) => {
    await c.env.WAKES_QUEUE.send(body, t);
    // Back in the backlog: the consumer counts it delivered again when it is done with it.
    await c.env.DB.prepare("UPDATE wake_backlog SET accepted = accepted + 1 WHERE id = 0").run();
  });
  if (!sent) fail("not_found", `no dead letter ${id} on queue wakes`);
  return c.json({ replayed: id, replayCount: sent.replayCount }, 202);
});
