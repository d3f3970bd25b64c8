import type { DedupeLedger } from "./dedupe-ledger";
import type { FactJournal } from "./fact-journal";

/** Bindings of the ingest Worker (see wrangler.jsonc). */
export interface IngestEnv {
  FACTS_QUEUE: Queue<Uint8Array>;
  DEDUPE: DurableObjectNamespace<DedupeLedger>;
  JOURNAL: DurableObjectNamespace<FactJournal>;
  JOURNAL_SHARDS?: string;
  JOURNAL_REDELIVER_MS?: string;
  MONITOR_RUNTIME?: Fetcher;
  PROJECTOR?: Fetcher;
  MATCHER?: Fetcher;
  PRODUCER_TOKENS?: string;
  DEDUPE_SHARDS?: string;
  DEDUPE_TTL_MS?: string;
  RATE_LIMITER?: RateLimit;
}
