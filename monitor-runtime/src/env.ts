import type { MatcherShardRpc, StreamRoutesRpc } from "../../shared/src/contract/shard-rpc";
import type { MatchFeed } from "./match-feed/match-feed";
import type { MonitorRegistry } from "./registry/monitor-registry";
import type { PortfolioAgent } from "./runtime/portfolio-agent";
import type { TickWorkflowParams } from "./runtime/tick-workflow-params";
import type { UserAgent } from "./runtime/user-agent";

/** Bindings of the monitor-runtime Worker (see wrangler.jsonc). */
export interface RuntimeEnv {
  DB: D1Database;
  EVENTS_QUEUE: Queue<unknown>;
  /** Accepted trigger-match wake-ups, handed to their sessions by the paced consumer (runtime/wakes/). */
  WAKES_QUEUE: Queue<unknown>;
  WAKES_DLQ: Queue<unknown>;
  REGISTRY: DurableObjectNamespace<MonitorRegistry>;
  USER_AGENT: DurableObjectNamespace<UserAgent>;
  PORTFOLIO_AGENT: DurableObjectNamespace<PortfolioAgent>;
  /** Recorded matches pushed to open GET /v1/matches/stream streams (match-feed/). */
  MATCH_FEED: DurableObjectNamespace<MatchFeed>;
  /** The matcher Worker's shards and follower table (script_name bindings; RPC typed in shared/). */
  SHARDS: DurableObjectNamespace<MatcherShardRpc>;
  ROUTES: DurableObjectNamespace<StreamRoutesRpc>;
  TICK_WORKFLOW: Workflow<TickWorkflowParams>;
  ADMIN_AUTH_SECRET_TOKEN?: string;
  /** Scoped admin tokens, a JSON list of {token, scopes} (shared/src/http/admin-scopes.ts). */
  ADMIN_TOKENS?: string;
  SHARD_COUNT?: string;
  TICK_FACADE_URL?: string;
  TICK_FACADE_TOKEN?: string;
  TICK_FACADE_TIMEOUT_MS?: string;
  WAIT_TIMEOUT?: string;
  /** Wake-ups (and so instance creations) per second from Queue "wakes"; default 100. */
  WAKE_RATE_PER_S?: string;
  /** Test configurations only: refuse instance creations above this many per second, as the platform does. */
  SIMULATED_CREATE_LIMIT_PER_S?: string;
  /** Between heartbeat comments on a match stream; default 15000. */
  MATCH_STREAM_HEARTBEAT_MS?: string;
  /** Matches the live feed keeps for resuming streams; default 100000. At least a notify round (100): one
   * round is appended, then trimmed, before a stream is served. A test configuration sets a small one. */
  MATCH_FEED_RETAIN?: string;
  /** Days of match history in D1 (default "0": all kept): shared/src/projections/match-history.ts. */
  MATCH_HISTORY_RETENTION_DAYS?: string;
  /** Days of tick history in D1 (default "0": all kept): shared/src/projections/tick-history.ts. */
  TICK_HISTORY_RETENTION_DAYS?: string;
}
