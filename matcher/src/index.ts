import { Hono } from "hono";

export { MatcherShard } from "./matcher-shard";

type Env = Record<string, unknown>;
const app = new Hono<{ Bindings: Env }>();
app.get("/healthz", (c) => c.json({ status: "ok" }));

export default {
  fetch: app.fetch,
  async queue(batch) {
    for (const m of batch.messages) m.ack();
  },
} satisfies ExportedHandler<Env, Uint8Array>;
