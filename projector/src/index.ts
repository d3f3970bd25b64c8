import { WorkflowEntrypoint } from "cloudflare:workers";
import { Hono } from "hono";

type Env = Record<string, unknown>;
const app = new Hono<{ Bindings: Env }>();
app.get("/healthz", (c) => c.json({ status: "ok" }));

export class ProjectionRebuildWorkflow extends WorkflowEntrypoint {
  override async run(): Promise<void> {}
}

export default {
  fetch: app.fetch,
  async queue(batch) {
    for (const m of batch.messages) m.ack();
  },
} satisfies ExportedHandler<Env>;
