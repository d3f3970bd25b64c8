import type { FactInput } from "../../shared/src/facts";
import { signPush } from "../../shared/src/push-signature";
import { FabricError } from "./errors";
import type { Transport } from "./transport";

/**
 * `facts.push`: splits a batch into requests of ≤ 1000 facts and ≤ 1 MiB of JSON, gives facts a
 * stable dedupeKey from the caller's key function (so a retry repeats the same keys and the
 * fabric answers duplicates instead of recording twice), signs each attempt when the client holds
 * a signing secret, and sends one request at a time per client, in order: a later push never
 * overtakes an earlier one, for any stream.
 *
 * @example await fabric.facts.push(facts, { dedupeKey: (f) => `feed-7:${f.seq}` })
 */
export type PushOptions<F extends FactInput = FactInput> = {
  /** A stable key per fact (e.g. the feed's sequence number); a fact's own dedupeKey wins. */
  dedupeKey?: (fact: F) => string;
  /** Request size limits (defaults: the fabric's, 1000 facts and 1 MiB). */
  maxFacts?: number;
  maxBytes?: number;
};

/**
 * The fabric's limits per request (shared/src/facts.ts; a test holds them equal). Repeated here so
 * the client's runtime imports no zod schema: only types and the Web Crypto signer come from shared/.
 */
export const MAX_FACTS_PER_REQUEST = 1000;
export const MAX_BODY_BYTES = 1024 * 1024;

export type PushResult = { accepted: number; duplicates: number; eventIds: string[] };

type PushAnswer = { accepted: number; duplicates: number; eventIds: string[] };

const ENVELOPE_BYTES = new TextEncoder().encode('{"facts":[]}').byteLength;

/** Splits JSON-encoded facts into request bodies within the limits (order kept). */
export function splitBodies(encoded: string[], maxFacts: number, maxBytes: number): string[][] {
  const out: string[][] = [];
  let current: string[] = [];
  let bytes = ENVELOPE_BYTES;
  const enc = new TextEncoder();
  for (const [i, fact] of encoded.entries()) {
    const size = enc.encode(fact).byteLength;
    if (ENVELOPE_BYTES + size > maxBytes) {
      throw new RangeError(`fact ${i} alone is ${size} bytes of JSON: a request holds at most ${maxBytes}`);
    }
    const extra = size + (current.length > 0 ? 1 : 0);
    if (current.length >= maxFacts || bytes + extra > maxBytes) {
      out.push(current);
      current = [];
      bytes = ENVELOPE_BYTES;
    }
    bytes += size + (current.length > 0 ? 1 : 0);
    current.push(fact);
  }
  if (current.length > 0) out.push(current);
  return out;
}

export class Pusher {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly transport: Transport,
    private readonly token: () => string,
    private readonly signingSecret: string | undefined,
  ) {}

  push<F extends FactInput>(facts: readonly F[], opts: PushOptions<F> = {}): Promise<PushResult> {
    // Encode now (the caller may mutate its array afterwards), send after every earlier push.
    const encoded = facts.map((f) => {
      const keyed = opts.dedupeKey && f.dedupeKey === undefined ? { ...f, dedupeKey: opts.dedupeKey(f) } : f;
      return JSON.stringify(keyed);
    });
    let bodies: string[][];
    try {
      bodies = splitBodies(encoded, opts.maxFacts ?? MAX_FACTS_PER_REQUEST, opts.maxBytes ?? MAX_BODY_BYTES);
    } catch (e) {
      return Promise.reject(e);
    }
    const run = this.tail.then(
      () => this.send(bodies),
      () => this.send(bodies),
    );
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async send(bodies: string[][]): Promise<PushResult> {
    const result: PushResult = { accepted: 0, duplicates: 0, eventIds: [] };
    for (const [i, facts] of bodies.entries()) {
      const bytes = new TextEncoder().encode(`{"facts":[${facts.join(",")}]}`);
      const secret = this.signingSecret;
      try {
        const answer = await this.transport.json<PushAnswer>({
          method: "POST",
          path: "/v1/facts",
          token: this.token(),
          bytes,
          contentType: "application/json",
          ...(secret
            ? { headers: (b: Uint8Array | undefined) => signPush(secret, b ?? bytes, this.transport.now()) }
            : {}),
        });
        result.accepted += answer.accepted;
        result.duplicates += answer.duplicates;
        result.eventIds.push(...answer.eventIds);
      } catch (e) {
        // Say how far the push got: the requests before this one were recorded.
        if (e instanceof FabricError) e.pushed = { ...result, requestsSent: i, requests: bodies.length };
        throw e;
      }
    }
    return result;
  }
}
