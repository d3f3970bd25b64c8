import type { MatcherShard } from "../../matcher/src/matcher-shard";
import type { StreamRoutes } from "../../matcher/src/stream-routes";
import type { MonitorRegistry } from "./registry/monitor-registry";
import type { PortfolioAgent } from "./runtime/portfolio-agent";
import type { TickWorkflowParams } from "./runtime/tick-workflow-params";
import type { UserAgent } from "./runtime/user-agent";

/** Bindings of the monitor-runtime Worker (see wrangler.jsonc). */
export interface RuntimeEnv {
  DB: D1Database;
  EVENTS_QUEUE: Queue<unknown>;
  REGISTRY: DurableObjectNamespace<MonitorRegistry>;
  USER_AGENT: DurableObjectNamespace<UserAgent>;
  PORTFOLIO_AGENT: DurableObjectNamespace<PortfolioAgent>;
  SHARDS: DurableObjectNamespace<MatcherShard>;
  ROUTES: DurableObjectNamespace<StreamRoutes>;
  TICK_WORKFLOW: Workflow<TickWorkflowParams>;
  ADMIN_AUTH_SECRET_TOKEN?: string;
  SHARD_COUNT?: string;
  TICK_FACADE_URL?: string;
  TICK_FACADE_TOKEN?: string;
  TICK_FACADE_TIMEOUT_MS?: string;
  WAIT_TIMEOUT?: string;
}
