import { env } from "cloudflare:workers";
import { decode } from "../../../shared/src/codec";
import type { AcceptedFact } from "../../../shared/src/facts";
import { self } from "../../../test-fixtures/self";

export const PRODUCER = { authorization: "Bearer dev-producer-token", "content-type": "application/json" };
export const MARKET_ONLY = { authorization: "Bearer dev-market-token", "content-type": "application/json" };

export const priceFact = (i: number, extra: Record<string, unknown> = {}) => ({
  kind: "market_price",
  subject: { symbol: "BTC-USD" },
  observedAt: 1_700_000_000_000 + i,
  data: { price: 100 + i },
  ...extra,
});

export function push(body: unknown, headers: Record<string, string> = PRODUCER): Promise<Response> {
  return self().fetch("http://fabric/v1/facts", {
    method: "POST",
    headers,
    body: typeof body === "string" || body instanceof Uint8Array ? body : JSON.stringify(body),
  });
}

type SinkEnv = { SINK: Fetcher };
const sink = () => (env as unknown as SinkEnv).SINK;

/** Every fact that landed on Queue "facts" so far, decoded from its msgpack message. */
export async function landedFacts(): Promise<AcceptedFact[]> {
  const res = await sink().fetch("http://sink/");
  const messages = (await res.json()) as { body: { $bytes: number[] } }[];
  return messages.flatMap((m) => decode<{ facts: AcceptedFact[] }>(new Uint8Array(m.body.$bytes)).facts);
}

export async function clearSink(): Promise<void> {
  await sink().fetch("http://sink/clear");
}

/** Waits until the queue consumer has seen at least n facts (or the time runs out). */
export async function waitForLanded(n: number, timeoutMs = 5000): Promise<AcceptedFact[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const facts = await landedFacts();
    if (facts.length >= n || Date.now() > until) return facts;
    await new Promise((r) => setTimeout(r, 50));
  }
}
