import { recordDeadLetters } from "../../shared/src/dead-letters";
import { app } from "./app";
import type { ProjectorEnv } from "./env";
import { consumeEvents } from "./events-consumer";

export { ProjectionRebuildWorkflow } from "./rebuild-workflow";

export default {
  fetch: app.fetch,
  async queue(batch, env) {
    if (batch.queue.endsWith("-dlq")) return recordDeadLetters(env.DB, "events", batch.messages);
    return consumeEvents(batch, env);
  },
} satisfies ExportedHandler<ProjectorEnv>;
