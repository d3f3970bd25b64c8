// Test-only stand-in for the ingest Worker's FactJournal, for the matcher's own workerd project:
// records the acknowledgements the facts consumer sends. The real journal runs in test-e2e/.
import { DurableObject } from "cloudflare:workers";

export class FactJournal extends DurableObject {
  acked = [];
  async ack(ids) {
    this.acked.push(...ids);
  }
  async list() {
    return this.acked;
  }
}

export default { fetch: () => new Response("journal stand-in") };
