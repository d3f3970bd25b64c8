import { app } from "./app";
import type { RuntimeEnv } from "./env";
import { runDueScan, scanRequestId } from "./runtime/delivery/due-scan";

export { MonitorRegistry } from "./registry/monitor-registry";
export { PortfolioAgent } from "./runtime/portfolio-agent";
export { WorkflowMonitorTickWorkflow } from "./runtime/tick-workflow";
export { UserAgent } from "./runtime/user-agent";

export default {
  fetch: app.fetch,
  async scheduled(controller, env) {
    await runDueScan(env, { requestId: scanRequestId(controller.scheduledTime), workerId: "cron" });
  },
} satisfies ExportedHandler<RuntimeEnv>;
