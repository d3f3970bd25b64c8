import { recordDeadLetters } from "../../shared/src/dead-letters";
import { app } from "./app";
import type { RuntimeEnv } from "./env";
import { expireDue } from "./registry/expiry-scan";
import { pruneHistory } from "./registry/history-retention";
import { runDueScan, scanRequestId } from "./runtime/delivery/due-scan";
import { consumeWakes } from "./runtime/wakes/wakes-consumer";

export { MatchFeed } from "./match-feed/match-feed";
export { MonitorRegistry } from "./registry/monitor-registry";
export { PortfolioAgent } from "./runtime/portfolio-agent";
export { WorkflowMonitorTickWorkflow } from "./runtime/tick-workflow";
export { UserAgent } from "./runtime/user-agent";

export default {
  fetch: app.fetch,
  async queue(batch, env) {
    if (batch.queue.endsWith("-dlq")) return recordDeadLetters(env.DB, "wakes", batch.messages);
    return consumeWakes(batch, env);
  },
  async scheduled(controller, env) {
    // All run even if one fails; the cron reports a failure of any.
    const results = await Promise.allSettled([
      runDueScan(env, { requestId: scanRequestId(controller.scheduledTime), workerId: "cron" }),
      expireDue(env, Date.now()),
      pruneHistory(env),
    ]);
    for (const r of results) if (r.status === "rejected") throw r.reason;
  },
} satisfies ExportedHandler<RuntimeEnv>;
