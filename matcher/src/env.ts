import type { FactJournal } from "../../ingest/src/fact-journal";
import type { MatcherShard } from "./matcher-shard";
import type { StreamRoutes } from "./stream-routes";

/** Bindings of the matcher Worker (see wrangler.jsonc). */
export interface MatcherEnv {
  SHARDS: DurableObjectNamespace<MatcherShard>;
  ROUTES: DurableObjectNamespace<StreamRoutes>;
  JOURNAL: DurableObjectNamespace<FactJournal>;
  EVENTS_QUEUE: Queue<unknown>;
  FACTS_QUEUE: Queue<Uint8Array>;
  FACTS_DLQ: Queue<unknown>;
  DB: D1Database;
  MONITOR_RUNTIME?: Fetcher;
  ADMIN_AUTH_SECRET_TOKEN?: string;
  SHARD_COUNT?: string;
  FACT_LOG_RETENTION_MS?: string;
  /** Facts between two saves of the engine state (engine/checkpoint.ts); default 10,000. */
  CHECKPOINT_FACTS?: string;
  NOTIFY_URL?: string;
  /** Test configurations only: comma-separated fault switches (see SECURITY.md). Never set in wrangler.jsonc. */
  FAULTS?: string;
}

export function shardCount(env: { SHARD_COUNT?: string }): number {
  const n = Number(env.SHARD_COUNT ?? 8);
  return Number.isInteger(n) && n > 0 ? n : 8;
}
