import type { FetchLike } from "../../src/transport";

/**
 * A scripted fetch for the client's unit tests: records every request (method, URL, headers, body
 * text) and answers each with the next handler's Response (or throws, for a network error).
 *
 * @example const f = fakeFetch((req) => Response.json({ ok: true }));
 */
export type Recorded = {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  bytes: Uint8Array;
  /** The attempt's abort signal (the client's timeout, and the caller's own signal). */
  signal: AbortSignal | undefined;
};

export function fakeFetch(answer: (req: Recorded, n: number) => Response | Promise<Response>): {
  fetch: FetchLike;
  calls: Recorded[];
} {
  const calls: Recorded[] = [];
  const fetch: FetchLike = async (url, init) => {
    const bytes = init.body ? (init.body as Uint8Array) : new Uint8Array();
    const body = new TextDecoder().decode(bytes);
    const req = {
      bytes,
      method: String(init.method),
      url,
      headers: Object.fromEntries(Object.entries((init.headers ?? {}) as Record<string, string>)),
      body,
      signal: init.signal ?? undefined,
    };
    calls.push(req);
    return answer(req, calls.length - 1);
  };
  return { fetch, calls };
}

/** The fabric's 202 for a push: every fact accepted, eventIds numbered from the facts' dedupeKeys or order. */
export function accept(req: Recorded): Response {
  const facts = (JSON.parse(req.body) as { facts: { dedupeKey?: string }[] }).facts;
  return Response.json(
    { accepted: facts.length, duplicates: 0, eventIds: facts.map((f, i) => `ev-${f.dedupeKey ?? i}`) },
    { status: 202 },
  );
}

export function problem(status: number, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify({ type: "about:blank", title: "T", status, detail: "D", code: "x", ...extra }), {
    status,
    headers: { "content-type": "application/problem+json", ...headers },
  });
}

export function price(i: number, symbol = "BTC-USD") {
  return {
    kind: "market_price" as const,
    subject: { symbol },
    observedAt: 1_795_341_600_000 + i,
    data: { price: 100 + i },
  };
}

/** A fetch that never answers: it fails as real fetch does, with the reason, only when `signal` aborts. */
export function hang(signal: AbortSignal | undefined): Promise<Response> {
  return new Promise((_resolve, reject) => {
    signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}

/**
 * A stand-in for AbortSignal.timeout that the test fires: `asked` holds each attempt's timeoutMs,
 * `expire(i)` ends attempt i's time (with the TimeoutError reason the platform gives).
 */
export function manualTimeouts() {
  const clocks: AbortController[] = [];
  const asked: number[] = [];
  return {
    asked,
    timeoutSignal: (ms: number) => {
      asked.push(ms);
      const clock = new AbortController();
      clocks.push(clock);
      return clock.signal;
    },
    expire(i: number) {
      clocks[i]?.abort(new DOMException("The operation timed out.", "TimeoutError"));
    },
  };
}

/** Resolves once `calls` holds at least n requests (lets a test act while request n-1 is in flight). */
export async function requestsMade(calls: readonly unknown[], n: number): Promise<void> {
  for (let spins = 0; calls.length < n; spins++) {
    if (spins > 1000) throw new Error(`only ${calls.length} of ${n} requests were made`);
    await new Promise((r) => setTimeout(r, 0));
  }
}
