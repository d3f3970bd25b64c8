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
