import { decode, encode } from "../codec";
import type { AcceptedFact } from "../facts";

/**
 * The messages on Queue "facts", both ends: ingest (and the journal, and a dead-letter replay)
 * packs accepted facts into msgpack messages and sends them with sendBatch within Cloudflare
 * Queues' limits (128 KB per message, 100 messages and 256 KB per sendBatch call); the matcher's
 * consumer decodes them. Facts keep their request order across messages, so a consumer sees them
 * in order.
 *
 * @example await sendMessages(env.FACTS_QUEUE, packMessages(accepted)); // ingest
 * const body = decodeFactsMessage(message.body); // matcher: a FactsMessage, or why it is poison
 */
export const MESSAGE_BYTES = 120 * 1024; // headroom under the 128 KB message limit
export const BATCH_BYTES = 240 * 1024; // headroom under the 256 KB sendBatch limit
export const BATCH_MESSAGES = 100;

/** The body of one message on Queue "facts"; `journal` names its entry in the fact journal. */
export type FactsMessage = { v: 1; facts: AcceptedFact[]; journal?: JournalRef };
/** A facts message's entry in the fact journal: which journal shard (journalName) and which entry. */
export type JournalRef = { shard: number; id: string };

export function packMessages(
  facts: AcceptedFact[],
  journalOf: (i: number) => JournalRef | undefined = () => undefined,
): Uint8Array[] {
  const messages: Uint8Array[] = [];
  let start = 0;
  while (start < facts.length) {
    // Grow greedily, then halve on overflow: most batches fit in one message at the first try.
    let end = facts.length;
    const journal = journalOf(messages.length);
    const message = (to: number): FactsMessage => ({
      v: 1,
      facts: facts.slice(start, to),
      ...(journal ? { journal } : {}),
    });
    let bytes = encode(message(end));
    while (bytes.byteLength > MESSAGE_BYTES && end - start > 1) {
      end = start + Math.ceil((end - start) / 2);
      bytes = encode(message(end));
    }
    messages.push(bytes);
    start = end;
  }
  return messages;
}

export function groupIntoBatches(messages: Uint8Array[]): Uint8Array[][] {
  const batches: Uint8Array[][] = [];
  let current: Uint8Array[] = [];
  let bytes = 0;
  for (const m of messages) {
    if (current.length > 0 && (current.length >= BATCH_MESSAGES || bytes + m.byteLength > BATCH_BYTES)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(m);
    bytes += m.byteLength;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

export async function sendMessages(queue: Queue<Uint8Array>, messages: Uint8Array[]): Promise<number> {
  const batches = groupIntoBatches(messages);
  for (const batch of batches) {
    // "v8" keeps the bytes as bytes (JSON would turn them into an object; "bytes" would detach them).
    await queue.sendBatch(batch.map((body) => ({ body, contentType: "v8" as const })));
  }
  return batches.reduce((n, b) => n + b.length, 0);
}

/**
 * A facts message from its queue body, or the reason it cannot be one (a poison message: the
 * consumer dead-letters it with that reason). Checks what routing needs of each fact; the facts
 * were validated in full by ingest before they were enqueued.
 */
export function decodeFactsMessage(body: unknown): FactsMessage | string {
  try {
    if (!(body instanceof Uint8Array) && !(body instanceof ArrayBuffer)) return "message body is not msgpack bytes";
    const msg = decode<{ v?: number; facts?: unknown; journal?: JournalRef }>(body);
    if (msg?.v !== 1 || !Array.isArray(msg.facts)) return "message is not a v1 facts message";
    for (const f of msg.facts as AcceptedFact[]) {
      if (typeof f?.eventId !== "string" || typeof f.streamKey !== "string" || typeof f.observedAt !== "number") {
        return "a fact lacks eventId, streamKey or observedAt";
      }
    }
    const journal =
      msg.journal && typeof msg.journal.id === "string" && Number.isInteger(msg.journal.shard)
        ? msg.journal
        : undefined;
    return { v: 1, facts: msg.facts as AcceptedFact[], ...(journal ? { journal } : {}) };
  } catch (err) {
    return `undecodable message: ${String(err)}`;
  }
}
