import { app } from "./app";
import type { IngestEnv } from "./env";

export { DedupeLedger } from "./dedupe-ledger";
export { FactJournal } from "./fact-journal";

export default { fetch: app.fetch } satisfies ExportedHandler<IngestEnv>;
