import { OpenAPIHono } from "@hono/zod-openapi";
import { deadLetterListAnswer } from "../../shared/src/dead-letter-page";
import { replayDeadLetter } from "../../shared/src/dead-letters";
import { requireAdmin } from "../../shared/src/http/bearer";
import { ADMIN_BODY_LIMIT, limitBody } from "../../shared/src/http/body-limit";
import { rejectEncodedBody } from "../../shared/src/http/content-encoding";
import { deadLetterListRoute, deadLetterReplayRoute } from "../../shared/src/http/dead-letter-routes";
import { onError } from "../../shared/src/http/errors";
import { rejectMalformedUrl } from "../../shared/src/http/malformed-url";
import { routeNotFound } from "../../shared/src/http/route-not-found";
import { validationHook } from "../../shared/src/http/validation-hook";
import { fail } from "../../shared/src/problem";
import type { ProjectorEnv } from "./env";
import { mountRebuildRoutes } from "./rebuild-routes";

/** Projector routes: health, projection rebuilds (rebuild-routes.ts), dead letters of Queue "events". */
export const app = new OpenAPIHono<{ Bindings: ProjectorEnv }>({ defaultHook: validationHook });
app.onError(onError);
app.notFound(routeNotFound(app));
app.use("*", rejectMalformedUrl);
app.use("*", rejectEncodedBody);
app.use("*", limitBody(ADMIN_BODY_LIMIT));
app.get("/healthz", async (c) => {
  await c.env.DB.prepare("SELECT 1 FROM event_log LIMIT 1").all();
  return c.json({ status: "ok" });
});
app.doc31("/openapi.json", { openapi: "3.1.0", info: { title: "projector", version: "1.0.0" } });
app.use("/v1/*", requireAdmin<{ Bindings: ProjectorEnv }>());

mountRebuildRoutes(app);

app.openapi(deadLetterListRoute("events"), async (c) => {
  return c.json(await deadLetterListAnswer(c.env.DB, "events", c.req.valid("query"), true), 200);
});

app.openapi(deadLetterReplayRoute("events"), async (c) => {
  const { id } = c.req.valid("param");
  // event_log is idempotent on eventId: replaying twice projects nothing twice.
  const sent = await replayDeadLetter(c.env.DB, "events", id, (body, t) => c.env.EVENTS_QUEUE.send(body, t));
  if (!sent) fail("not_found", `no dead letter ${id} on queue events`);
  return c.json({ replayed: id, replayCount: sent.replayCount }, 202);
});
