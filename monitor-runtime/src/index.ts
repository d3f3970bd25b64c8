import { DurableObject, WorkflowEntrypoint } from "cloudflare:workers";
import { Hono } from "hono";

type Env = Record<string, unknown>;
const app = new Hono<{ Bindings: Env }>();
app.get("/healthz", (c) => c.json({ status: "ok" }));

export class MonitorRegistry extends DurableObject {}
export class UserAgent extends DurableObject {}
export class PortfolioAgent extends DurableObject {}
export class WorkflowMonitorTickWorkflow extends WorkflowEntrypoint {
  override async run(): Promise<void> {}
}

export default {
  fetch: app.fetch,
  async scheduled() {},
} satisfies ExportedHandler<Env>;
