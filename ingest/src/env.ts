import type { DedupeLedger } from "./dedupe-ledger";

/** Bindings of the ingest Worker (see wrangler.jsonc). */
export interface IngestEnv {
  FACTS_QUEUE: Queue<Uint8Array>;
  DEDUPE: DurableObjectNamespace<DedupeLedger>;
  MONITOR_RUNTIME?: Fetcher;
  PROJECTOR?: Fetcher;
  MATCHER?: Fetcher;
  PRODUCER_TOKENS?: string;
  DEDUPE_SHARDS?: string;
  DEDUPE_TTL_MS?: string;
  RATE_LIMITER?: RateLimit;
}
