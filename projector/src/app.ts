import { OpenAPIHono } from "@hono/zod-openapi";
import { listDeadLetters, markReplayed, originalBody } from "../../shared/src/dead-letters";
import { requireAdmin } from "../../shared/src/http/bearer";
import { ADMIN_BODY_LIMIT, limitBody } from "../../shared/src/http/body-limit";
import { notFound, onError } from "../../shared/src/http/errors";
import { rejectMalformedUrl } from "../../shared/src/http/malformed-url";
import { validationHook } from "../../shared/src/http/validation-hook";
import { fail } from "../../shared/src/problem";
import type { ProjectorEnv } from "./env";
import { mountRebuildRoutes } from "./rebuild-routes";

/** Projector routes: health, projection rebuilds (rebuild-routes.ts), dead letters of Queue "events". */
export const app = new OpenAPIHono<{ Bindings: ProjectorEnv }>({ defaultHook: validationHook });
app.onError(onError);
app.notFound(notFound);
app.use("*", rejectMalformedUrl);
app.use("*", limitBody(ADMIN_BODY_LIMIT));
app.get("/healthz", async (c) => {
  await c.env.DB.prepare("SELECT 1 FROM event_log LIMIT 1").all();
  return c.json({ status: "ok" });
});
app.doc31("/openapi.json", { openapi: "3.1.0", info: { title: "projector", version: "1.0.0" } });
app.use("/v1/*", requireAdmin<{ Bindings: ProjectorEnv }>());

mountRebuildRoutes(app);

app.get("/v1/admin/dead-letters/events", async (c) => {
  const rows = await listDeadLetters(c.env.DB, "events", Number(c.req.query("limit") ?? 100) || 100);
  return c.json({ deadLetters: rows });
});

app.post("/v1/admin/dead-letters/events/:id/replay", async (c) => {
  const row = (await listDeadLetters(c.env.DB, "events", 1000)).find((r) => r.id === c.req.param("id"));
  if (!row) fail("not_found", `no dead letter ${c.req.param("id")} on queue events`);
  const { body, contentType } = originalBody(row);
  // event_log is idempotent on eventId: replaying twice projects nothing twice.
  await c.env.EVENTS_QUEUE.send(body, { contentType });
  await markReplayed(c.env.DB, row.id);
  return c.json({ replayed: row.id }, 202);
});
