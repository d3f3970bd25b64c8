import { FabricClient } from "../client/src/index";
import { MonitorBodySchema } from "../shared/src/monitor";
import { self } from "../test-fixtures/self";

export const ADMIN = { authorization: "Bearer dev-admin-token", "content-type": "application/json" };
export const PRODUCER = { authorization: "Bearer dev-producer-token", "content-type": "application/json" };

/**
 * The fabric through its own client library, as a producer and an operator use it: pushes and
 * admin calls in these tests go through it. `call` stays for what a test asserts on the raw wire
 * (status codes, problem+json bodies, headers).
 */
export const fabric = new FabricClient({
  baseUrl: "http://fabric",
  token: "dev-admin-token",
  producerToken: "dev-producer-token",
  fetch: (url, init) => self().fetch(url, init),
});

/** A monitor's matches, all pages, through the client. */
export async function matchesOf(monitorId: string) {
  const out = [];
  for await (const m of fabric.matches(monitorId)) out.push(m);
  return out;
}

export async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = ADMIN) {
  const res = await self().fetch(`http://fabric${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json: json as Record<string, unknown> & { matches?: Record<string, unknown>[] }, text };
}

export async function eventually<T>(probe: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (done(v) || Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const priceMonitor = (
  symbol: string,
  op: string,
  value: number | [number, number],
  fire: Record<string, unknown> = { mode: "edge" },
) => ({
  workflowId: `wf-${symbol}`,
  ownerUserId: "u-1",
  linkedPortfolioIds: ["pf-1"],
  predicate: { all: [{ stream: { kind: "market_price", subject: { symbol } }, field: "price", op, value }] },
  fire,
  enabled: true,
});

export const prices = (symbol: string, values: number[], t0 = Date.UTC(2026, 0, 1), stepMs = 86_400_000) =>
  values.map((price, i) => ({
    kind: "market_price" as const,
    subject: { symbol },
    observedAt: t0 + i * stepMs,
    data: { price },
  }));

/** priceMonitor as the client takes it (parsed by the schema the registry validates with). */
export const priceMonitorInput = (...args: Parameters<typeof priceMonitor>) =>
  MonitorBodySchema.parse(priceMonitor(...args));
