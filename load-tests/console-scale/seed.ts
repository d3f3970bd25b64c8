/**
 * Seeds a running fabric (BASE, default http://127.0.0.1:8795) the size of a big deployment, through
 * the public API only, for measuring the console (load-tests/console-scale/measure.ts):
 * MONITORS monitors over STREAMS streams and OWNERS owners (rarely matching), BIG_FACTS facts on
 * one stream (one a second of event time) watched by a crossing monitor that fires every ~200
 * facts, and MANY_MATCHES matches of one level monitor. Prints what it did and how long it took.
 *
 * @example BASE=http://127.0.0.1:8795 MONITORS=10000 BIG_FACTS=150000 node --import tsx load-tests/console-scale/seed.ts
 */
const BASE = process.env.BASE ?? "http://127.0.0.1:8795";
const num = (k: string, d: number) => Number(process.env[k] ?? d);
const MONITORS = num("MONITORS", 10_000);
const STREAMS = num("STREAMS", 200);
const OWNERS = num("OWNERS", 300);
const BIG_FACTS = num("BIG_FACTS", 150_000);
const MANY_MATCHES = num("MANY_MATCHES", 5_000);
const START = Date.parse("2026-01-01T00:00:00Z");
const ADMIN = { authorization: "Bearer dev-admin-token", "content-type": "application/json" };
const PRODUCER = { authorization: "Bearer dev-producer-token", "content-type": "application/json" };

async function call(method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<unknown> {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(`${BASE}${path}`, {
      method,
      headers,
      body: body === undefined ? null : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.ok) return text ? JSON.parse(text) : undefined;
    if (attempt >= 3 || res.status < 500) throw new Error(`${method} ${path} → ${res.status}: ${text.slice(0, 300)}`);
  }
}

async function pool<T>(items: T[], width: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await run(items[next++] as T);
    }),
  );
}

const price = (symbol: string) => ({ kind: "market_price", subject: { symbol } });
const sym = (i: number) => `S${String(i).padStart(3, "0")}-USD`;

async function seedMonitors(): Promise<void> {
  const ids = Array.from({ length: MONITORS }, (_, i) => i);
  let done = 0;
  await pool(ids, 8, async (i) => {
    await call("PUT", `/v1/monitors/m-${String(i).padStart(5, "0")}`, ADMIN, {
      workflowId: `wf_${i % 2000}`,
      ownerUserId: `u_${i % OWNERS}`,
      linkedPortfolioIds: [`pf_${i % 500}`],
      predicate: { stream: price(sym(i % STREAMS)), field: "price", op: "gt", value: 1e9 + i },
      fire: { mode: "edge" },
    });
    if (++done % 1000 === 0) console.error(`monitors ${done}`);
  });
}

async function pushAll(facts: unknown[]): Promise<void> {
  const batches: unknown[][] = [];
  for (let i = 0; i < facts.length; i += 1000) batches.push(facts.slice(i, i + 1000));
  let done = 0;
  // One at a time: batches sent in parallel arrive out of event-time order and most facts read as stale.
  await pool(batches, 1, async (b) => {
    await call("POST", "/v1/facts", PRODUCER, { facts: b });
    if (++done % 20 === 0) console.error(`fact batches ${done}/${batches.length}`);
  });
}

async function main(): Promise<void> {
  const t0 = Date.now();
  await seedMonitors();
  const t1 = Date.now();
  console.log(`monitors: ${MONITORS} in ${((t1 - t0) / 1000).toFixed(1)} s`);
  await call("PUT", "/v1/monitors/big-cross", ADMIN, {
    workflowId: "wf_big",
    ownerUserId: "u_big",
    linkedPortfolioIds: ["pf_big"],
    predicate: { stream: price("BIG-USD"), field: "price", op: "crosses_above", value: 100_000 },
    fire: { mode: "edge" },
  });
  await call("PUT", "/v1/monitors/many-level", ADMIN, {
    workflowId: "wf_many",
    ownerUserId: "u_many",
    linkedPortfolioIds: ["pf_many"],
    predicate: { stream: price("MANY-USD"), field: "price", op: "gt", value: 0 },
    fire: { mode: "level" },
  });
  const big = Array.from({ length: BIG_FACTS }, (_, i) => ({
    ...price("BIG-USD"),
    observedAt: START + i * 1000,
    dedupeKey: `big:${i}`,
    data: { price: Math.round(100_000 * (1 + 0.02 * Math.sin((i * 2 * Math.PI) / 200)) * 100) / 100 },
  }));
  const many = Array.from({ length: MANY_MATCHES }, (_, i) => ({
    ...price("MANY-USD"),
    observedAt: START + i * 1000,
    dedupeKey: `many:${i}`,
    data: { price: 50 + (i % 10) },
  }));
  await pushAll([...many, ...big]);
  const t2 = Date.now();
  console.log(`facts: ${BIG_FACTS + MANY_MATCHES} pushed in ${((t2 - t1) / 1000).toFixed(1)} s`);
}

await main();

export {};
