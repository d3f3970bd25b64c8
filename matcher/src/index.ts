import { recordDeadLetters } from "../../shared/src/dead-letters";
import { app } from "./app";
import type { MatcherEnv } from "./env";
import { consumeFacts } from "./facts-consumer";

export { MatcherShard } from "./matcher-shard";
export { StreamRoutes } from "./stream-routes";

export default {
  fetch: app.fetch,
  async queue(batch, env) {
    if (batch.queue.endsWith("-dlq")) return recordDeadLetters(env.DB, "facts", batch.messages);
    return consumeFacts(batch, env);
  },
} satisfies ExportedHandler<MatcherEnv>;
