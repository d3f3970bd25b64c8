import type { FactJournalRpc } from "../../shared/src/contract/shard-rpc";
import type { MatcherShard } from "./matcher-shard";
import type { StreamRoutes } from "./stream-routes";

/** Bindings of the matcher Worker (see wrangler.jsonc). */
export interface MatcherEnv {
  SHARDS: DurableObjectNamespace<MatcherShard>;
  ROUTES: DurableObjectNamespace<StreamRoutes>;
  /** The ingest Worker's fact journal (script_name binding): acknowledged once a message is applied. */
  JOURNAL: DurableObjectNamespace<FactJournalRpc>;
  EVENTS_QUEUE: Queue<unknown>;
  FACTS_QUEUE: Queue<Uint8Array>;
  FACTS_DLQ: Queue<unknown>;
  DB: D1Database;
  MONITOR_RUNTIME?: Fetcher;
  ADMIN_AUTH_SECRET_TOKEN?: string;
  /** Scoped admin tokens, a JSON list of {token, scopes} (shared/src/http/admin-scopes.ts). */
  ADMIN_TOKENS?: string;
  SHARD_COUNT?: string;
  FACT_LOG_RETENTION_MS?: string;
  /** Facts between two saves of the engine state (engine/checkpoint.ts); default 10,000. */
  CHECKPOINT_FACTS?: string;
  NOTIFY_URL?: string;
  /** Test configurations only: comma-separated fault switches (see SECURITY.md). Never set in wrangler.jsonc. */
  FAULTS?: string;
}
