import type { FactInput } from "../../shared/src/facts";
import { signPush } from "../../shared/src/push-signature";
import { FabricError, withFactIndexOffset } from "./errors";
import type { Transport } from "./transport";
import type { PushConflict } from "./types";

/**
 * `facts.push`: splits a batch into requests of ≤ 1000 facts and ≤ 1 MiB (JSON, or msgpack with
 * `format: "msgpack"`), gives facts a stable dedupeKey from the caller's key function (so a retry
 * repeats the same keys and the fabric answers duplicates instead of recording twice), signs each
 * attempt when the client holds a signing secret, and sends one request at a time per client, in
 * order: a later push never overtakes an earlier one, for any stream.
 *
 * @example await fabric.facts.push(facts, { dedupeKey: (f) => `feed-7:${f.observedAt}` })
 */
export type PushOptions<F extends FactInput = FactInput> = {
  /** A stable key per fact (e.g. the feed's sequence number); a fact's own dedupeKey wins. */
  dedupeKey?: (fact: F) => string;
  /** The body's encoding (default JSON); msgpack loads msgpackr on first use. */
  format?: "json" | "msgpack";
  /** Request size limits (defaults: the fabric's, 1000 facts and 1 MiB). */
  maxFacts?: number;
  maxBytes?: number;
};

/** `conflicts` is present only when the fabric named some (see PushConflict), as on the wire. */
export type PushResult = { accepted: number; duplicates: number; eventIds: string[]; conflicts?: PushConflict[] };

/**
 * The fabric's limits per request (shared/src/facts.ts; a test holds them equal). Repeated here so
 * the client's runtime imports no zod schema: only types and the Web Crypto signer come from shared/.
 */
export const MAX_FACTS_PER_REQUEST = 1000;
export const MAX_BODY_BYTES = 1024 * 1024;

/** How one encoding frames n encoded facts as `{"facts":[…]}`. */
type Framing = { overhead: (n: number) => number; frame: (facts: Uint8Array[]) => Uint8Array; contentType: string };

const enc = new TextEncoder();
const JSON_OPEN = enc.encode('{"facts":[');
const JSON_CLOSE = enc.encode("]}");
const COMMA = enc.encode(",");

const JSON_FRAMING: Framing = {
  overhead: (n) => JSON_OPEN.length + JSON_CLOSE.length + Math.max(0, n - 1),
  frame: (facts) => concat([JSON_OPEN, ...facts.flatMap((f, i) => (i === 0 ? [f] : [COMMA, f])), JSON_CLOSE]),
  contentType: "application/json",
};

// msgpack: a one-entry map (0x81), the key "facts" (fixstr 0xa5), an array header, the facts.
const MSGPACK_KEY = new Uint8Array([0x81, 0xa5, ...enc.encode("facts")]);
const arrayHeader = (n: number): Uint8Array =>
  n < 16
    ? new Uint8Array([0x90 | n])
    : n < 65536
      ? new Uint8Array([0xdc, n >> 8, n & 0xff])
      : new Uint8Array([0xdd, (n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);

const MSGPACK_FRAMING: Framing = {
  overhead: (n) => MSGPACK_KEY.length + arrayHeader(n).length,
  frame: (facts) => concat([MSGPACK_KEY, arrayHeader(facts.length), ...facts]),
  contentType: "application/msgpack",
};

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Groups encoded facts into request bodies within the limits, order kept. */
export function splitBodies(
  facts: Uint8Array[],
  maxFacts: number,
  maxBytes: number,
  overhead: (n: number) => number = JSON_FRAMING.overhead,
): Uint8Array[][] {
  const out: Uint8Array[][] = [];
  let current: Uint8Array[] = [];
  let bytes = 0;
  for (const [i, fact] of facts.entries()) {
    if (overhead(1) + fact.length > maxBytes) {
      throw new RangeError(`fact ${i} alone is ${fact.length} bytes encoded: a request holds at most ${maxBytes}`);
    }
    if (current.length >= maxFacts || overhead(current.length + 1) + bytes + fact.length > maxBytes) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(fact);
    bytes += fact.length;
  }
  if (current.length > 0) out.push(current);
  return out;
}

type Pack = (value: unknown) => Uint8Array;
let msgpack: Promise<Pack> | undefined;
function loadMsgpack(): Promise<Pack> {
  msgpack ??= import("msgpackr").then(({ Packr }) => {
    const packr = new Packr({ useRecords: false, moreTypes: false });
    return (v: unknown) => new Uint8Array(packr.pack(v));
  });
  return msgpack;
}

export class Pusher {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly transport: Transport,
    private readonly token: () => string,
    private readonly signingSecret: string | undefined,
  ) {}

  push<F extends FactInput>(facts: readonly F[], opts: PushOptions<F> = {}): Promise<PushResult> {
    // Key the facts now (the caller may change its objects afterwards); send after every earlier push.
    const keyed = facts.map((f) =>
      opts.dedupeKey && f.dedupeKey === undefined ? { ...f, dedupeKey: opts.dedupeKey(f) } : f,
    );
    const prepared = this.prepare(keyed, opts);
    prepared.catch(() => undefined);
    const run = this.tail.then(
      () => prepared.then((p) => this.send(p.bodies, p.framing)),
      () => prepared.then((p) => this.send(p.bodies, p.framing)),
    );
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async prepare(
    facts: FactInput[],
    opts: PushOptions<never>,
  ): Promise<{ bodies: Uint8Array[][]; framing: Framing }> {
    const framing = opts.format === "msgpack" ? MSGPACK_FRAMING : JSON_FRAMING;
    const pack: Pack = opts.format === "msgpack" ? await loadMsgpack() : (v) => enc.encode(JSON.stringify(v));
    const encoded = facts.map(pack);
    const bodies = splitBodies(
      encoded,
      opts.maxFacts ?? MAX_FACTS_PER_REQUEST,
      opts.maxBytes ?? MAX_BODY_BYTES,
      framing.overhead,
    );
    return { bodies, framing };
  }

  private async send(bodies: Uint8Array[][], framing: Framing): Promise<PushResult> {
    const result: PushResult = { accepted: 0, duplicates: 0, eventIds: [] };
    let offset = 0; // the caller's index of this request's first fact
    for (const [i, facts] of bodies.entries()) {
      const bytes = framing.frame(facts);
      const secret = this.signingSecret;
      try {
        const answer = await this.transport.json<PushResult>({
          method: "POST",
          path: "/v1/facts",
          token: this.token(),
          bytes,
          contentType: framing.contentType,
          ...(secret ? { headers: () => signPush(secret, bytes, this.transport.now()) } : {}),
        });
        result.accepted += answer.accepted;
        result.duplicates += answer.duplicates;
        result.eventIds.push(...answer.eventIds);
        // The fabric numbers a conflict within its request; the caller's index is offset by the chunk's start.
        const conflicts = (answer.conflicts ?? []).map((c) => ({ ...c, index: c.index + offset }));
        if (conflicts.length > 0) result.conflicts = [...(result.conflicts ?? []), ...conflicts];
      } catch (e) {
        if (!(e instanceof FabricError)) throw e;
        // Paths name the caller's facts, and the error says how far the push got: the requests
        // before this one were recorded.
        const error = withFactIndexOffset(e, offset);
        error.pushed = { ...result, requestsSent: i, requests: bodies.length };
        throw error;
      }
      offset += facts.length;
    }
    return result;
  }
}
