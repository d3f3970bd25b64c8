import { spawnSync } from "node:child_process";

/**
 * What the console tests and `npm run screenshots` put into a local fabric through its public
 * routes: prices for two streams, three monitors (a crossing, a two-stream band, and one whose
 * workflow and owner ids are HTML), and — the one thing no public route makes — a dead letter,
 * written into the local D1 as a consumer that gave up would have (test-e2e/dead-letters.test.ts
 * does the same inside workerd).
 *
 * @example await seedConsole(base); await deadLetterInto(stateDir, "msg-console-1");
 */
export const ADMIN = { authorization: "Bearer dev-admin-token" };
export const READ = { authorization: "Bearer dev-read-token-local" };
const PRODUCER = { authorization: "Bearer dev-producer-token" };
export const START = Date.parse("2026-11-20T00:00:00Z");
const MINUTE = 60_000;

export const XSS = {
  workflowId: "<script>window.__xss=1</script>",
  ownerUserId: '<img src=x onerror="window.__xss=2">',
};

const btc = { kind: "market_price", subject: { symbol: "BTC-USD" } };
const eth = { kind: "market_price", subject: { symbol: "ETH-USD" } };

/** A price, one a minute, that swings ±2% around `level` with the given period (in samples). */
export function prices(n: number, stream: typeof btc, level: number, period = 4) {
  return Array.from({ length: n }, (_, i) => ({
    ...stream,
    observedAt: START + i * MINUTE,
    dedupeKey: `${stream.subject.symbol}:${i}`,
    data: { price: Math.round(level * (1 + 0.02 * Math.sin(i / period) + 0.004 * Math.cos(i * 1.7)) * 100) / 100 },
  }));
}

export const MONITORS: Record<string, unknown> = {
  "btc-cross": {
    workflowId: "wf_cross",
    ownerUserId: "u_console",
    linkedPortfolioIds: ["pf_1"],
    predicate: { stream: btc, field: "price", op: "crosses_above", value: 100_000 },
    fire: { mode: "edge" },
  },
  "btc-band": {
    workflowId: "wf_band",
    ownerUserId: "u_console",
    linkedPortfolioIds: ["pf_1"],
    predicate: {
      all: [
        { stream: btc, field: "price", op: "between", value: [99_000, 100_500] },
        { stream: eth, field: "price", op: "gt", value: 3_000 },
      ],
    },
    fire: { mode: "edge" },
  },
  "xss-case": {
    ...XSS,
    linkedPortfolioIds: [],
    predicate: { stream: eth, field: "price", op: "lt", value: 1 },
    fire: { mode: "edge" },
  },
};

async function call(base: string, method: string, path: string, headers: Record<string, string>, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...headers, "content-type": "application/json" },
    body: body === undefined ? null : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
  return text ? (JSON.parse(text) as unknown) : undefined;
}

export async function putMonitor(base: string, id: string, body: unknown): Promise<void> {
  await call(base, "PUT", `/v1/monitors/${id}`, ADMIN, body);
}

export async function pushFacts(base: string, facts: unknown[]): Promise<void> {
  for (let i = 0; i < facts.length; i += 1000)
    await call(base, "POST", "/v1/facts", PRODUCER, { facts: facts.slice(i, i + 1000) });
}

export async function matchesOf(base: string, id: string): Promise<{ matchId: string; observedAt: number }[]> {
  const page = (await call(base, "GET", `/v1/monitors/${id}/matches?limit=1000`, ADMIN)) as {
    matches: { matchId: string; observedAt: number }[];
  };
  return page.matches;
}

export async function backtestOf(base: string, id: string): Promise<{ observedAt: number }[]> {
  return ((await call(base, "POST", `/v1/monitors/${id}/backtest`, ADMIN, {})) as { matches: { observedAt: number }[] })
    .matches;
}

/** Registers the monitors, pushes the prices, and waits until every match a backtest finds is projected. */
export async function seedConsole(base: string): Promise<void> {
  for (const [id, body] of Object.entries(MONITORS)) await putMonitor(base, id, body);
  // Interleaved in event time, as a feed would send them, so the two-stream monitor sees both move.
  const facts = [...prices(120, btc, 100_000), ...prices(120, eth, 3_000, 7)].sort(
    (a, b) => a.observedAt - b.observedAt,
  );
  await pushFacts(base, facts);
  for (const id of ["btc-cross", "btc-band"]) {
    const expected = (await backtestOf(base, id)).length;
    const until = Date.now() + 30_000;
    while ((await matchesOf(base, id)).length < expected) {
      if (Date.now() > until) throw new Error(`${id}: matches never reached the backtest's ${expected}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** A dead-lettered events message (a valid event that ran out of retries), written into the local D1. */
export function deadLetterInto(stateDir: string, id: string): void {
  const event = {
    eventId: "01JDQQ00000000000000000009",
    type: "execution_ref_recorded",
    schemaVersion: 1,
    aggregateType: "workflow",
    aggregateId: "wf-console-dlq",
    aggregateVersion: 0,
    occurredAt: START,
    data: { workflowId: "wf-console-dlq", portfolioId: null, operationId: "op-console-dlq" },
  };
  const body = JSON.stringify({ v: 1, events: [event] }).replaceAll("'", "''");
  const sql = `INSERT OR IGNORE INTO dead_letters (id, source_queue, reason, attempts, body, failed_at) VALUES ('${id}', 'events', 'D1 unavailable after 5 retries', 6, '${body}', ${Date.now()})`;
  const args = ["wrangler", "d1", "execute", "DB", "--local", "--persist-to", stateDir];
  const r = spawnSync("npx", [...args, "-c", "monitor-runtime/wrangler.jsonc", "--command", sql], {
    encoding: "utf8",
    env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" },
  });
  if (r.status !== 0) throw new Error(`could not write the dead letter: ${r.stderr}`);
}
