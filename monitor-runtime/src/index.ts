import { DurableObject, WorkflowEntrypoint } from "cloudflare:workers";
import { OpenAPIHono } from "@hono/zod-openapi";
import { requireAdmin } from "../../shared/src/http/bearer";
import { notFound, onError } from "../../shared/src/http/errors";
import type { RuntimeEnv } from "./env";
import { registryApp } from "./registry/routes";

// Interim wiring (the runtime work replaces this file): health, OpenAPI and the registry.
const app = new OpenAPIHono<{ Bindings: RuntimeEnv }>();
app.onError(onError);
app.notFound(notFound);
app.get("/healthz", (c) => c.json({ status: "ok" }));
app.use(
  "/v1/*",
  requireAdmin<{ Bindings: RuntimeEnv }>((env) => env.ADMIN_AUTH_SECRET_TOKEN),
);
app.route("/", registryApp);
app.doc31("/openapi.json", { openapi: "3.1.0", info: { title: "monitor-runtime", version: "1.0.0" } });

export { MonitorRegistry } from "./registry/monitor-registry";
export class UserAgent extends DurableObject {}
export class PortfolioAgent extends DurableObject {}
export class WorkflowMonitorTickWorkflow extends WorkflowEntrypoint {
  override async run(): Promise<void> {}
}

export default {
  fetch: app.fetch,
  async scheduled() {},
} satisfies ExportedHandler<RuntimeEnv>;
