import { OpenAPIHono } from "@hono/zod-openapi";
import { requireAdmin } from "../../shared/src/http/bearer";
import { ADMIN_BODY_LIMIT, limitBody } from "../../shared/src/http/body-limit";
import { rejectEncodedBody } from "../../shared/src/http/content-encoding";
import { onError } from "../../shared/src/http/errors";
import { rejectMalformedUrl } from "../../shared/src/http/malformed-url";
import { routeNotFound } from "../../shared/src/http/route-not-found";
import type { RuntimeEnv } from "./env";
import { matchStreamApp } from "./match-feed/stream-route";
import { explainApp } from "./registry/explain-routes";
import { readApp } from "./registry/read-routes";
import { registryApp } from "./registry/routes";
import { controlPlaneApp } from "./runtime/http/control-plane-routes";
import { openApiDocument } from "./runtime/http/openapi-doc";
import { runtimeApp } from "./runtime/http/runtime-routes";
import { wakeDeadLetterApp } from "./runtime/http/wake-dead-letter-routes";
import { whoamiApp } from "./runtime/http/whoami-route";
import { missingTables } from "./runtime/store/projections";
import { streamListApp } from "./streams/stream-list-route";

/**
 * The monitor-runtime app: `/healthz`, `/openapi.json` (this Worker's part of the fabric's
 * document; ingest merges it), the registry (`/v1/monitors…`), the seed-000 admin contract
 * (`/v1/admin/control-plane/workflow-monitors/*`), enqueue-tick, the agent mirrors and
 * `/v1/admin/whoami`. Every route but /healthz and /openapi.json takes the admin token.
 */
export const app = new OpenAPIHono<{ Bindings: RuntimeEnv }>();
app.onError(onError);
app.notFound(routeNotFound(app));
app.use("*", rejectMalformedUrl);

app.get("/healthz", async (c) => {
  try {
    const missing = await missingTables(c.env.DB);
    if (missing.length === 0) return c.json({ status: "ok" });
    return c.json({ status: "degraded", detail: `D1 migrations not applied: missing ${missing.join(", ")}` }, 503);
  } catch (err) {
    return c.json({ status: "degraded", detail: `D1 unreachable: ${String(err)}` }, 503);
  }
});

app.get("/openapi.json", (c) =>
  c.json(
    openApiDocument({
      reads: readApp,
      streams: streamListApp,
      registry: registryApp,
      explain: explainApp,
      controlPlane: controlPlaneApp,
      runtime: runtimeApp,
      wakeDeadLetters: wakeDeadLetterApp,
      matchStream: matchStreamApp,
      whoami: whoamiApp,
    }),
  ),
);

const admin = requireAdmin<{ Bindings: RuntimeEnv }>();
app.use("*", rejectEncodedBody);
app.use("*", limitBody(ADMIN_BODY_LIMIT));
app.use("/v1/admin/*", admin);
app.use("/v1/monitors", admin);
app.use("/v1/monitors/*", admin);
app.use("/v1/explain", admin);
app.use("/v1/streams", admin);
app.use("/v1/streams/*", admin);
app.use("/v1/matches/*", admin);
app.use("/api/*", admin);

app.route("/", readApp);
app.route("/", streamListApp);
app.route("/", registryApp);
app.route("/", explainApp);
app.route("/", controlPlaneApp);
app.route("/", runtimeApp);
app.route("/", wakeDeadLetterApp);
app.route("/", matchStreamApp);
app.route("/", whoamiApp);
