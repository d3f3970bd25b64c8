import { readdirSync } from "node:fs";
import { DatabaseSync } from "node:sqlite";

/**
 * What the registry race probe (registry-race.ts) needs of a running fabric: the admin and
 * producer routes, a wait for the pipeline to drain, and a read-only look at D1's event_log
 * (no route lists it) when the fabric's state folder is known.
 */
export type Reply = { status: number; json: Record<string, unknown> };

const BASE = process.env.BASE ?? "http://127.0.0.1:8796";
const ADMIN = "Bearer dev-admin-token";
const PRODUCER = "Bearer dev-producer-token";

export async function api(method: string, path: string, body?: unknown, token = ADMIN): Promise<Reply> {
  const res = await fetch(`${BASE}${path}`, {
    method,
    headers: { authorization: token, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** Facts applied before this run plus those it pushed, so settle() waits for this run's own. */
let pushed = 0;
/** Event time of the next fact: a second later each, from the run's start (wall clock). */
let clock = Date.now();

export async function startCounting(): Promise<void> {
  const t = await shardTotals();
  pushed = t.factsApplied + t.factsStale;
}

/** One price fact per symbol, each at a fresh event time (so none is stale), or all at `at`. */
export async function pushPrices(prices: Record<string, number>, at?: number): Promise<string[]> {
  const facts = Object.entries(prices).map(([symbol, price]) => {
    clock += 1000;
    return { kind: "market_price", subject: { symbol }, observedAt: at ?? clock, data: { price } };
  });
  const r = await api("POST", "/v1/facts", { facts }, PRODUCER);
  if (r.status !== 202) throw new Error(`push: ${r.status} ${JSON.stringify(r.json)}`);
  pushed += facts.length;
  return r.json.eventIds as string[];
}

type Totals = { factsApplied: number; factsStale: number; outboxBacklog: number; matches: number };

export async function shardTotals(): Promise<Totals & { monitors: number }> {
  const stats = (await api("GET", "/v1/admin/stats")).json as {
    totals: Totals;
    shards: { monitors: number }[];
  };
  return { ...stats.totals, monitors: stats.shards.reduce((n, s) => n + s.monitors, 0) };
}

/** Until every pushed fact is applied, the outboxes are empty and D1 holds every shard match. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const t = await shardTotals();
    const rows = d1()?.prepare("SELECT COUNT(*) AS n FROM trigger_matches").get() as { n: number } | undefined;
    if (
      t.factsApplied + t.factsStale >= pushed &&
      t.outboxBacklog === 0 &&
      (rows === undefined || rows.n >= t.matches)
    ) {
      if (rows === undefined) await sleep(1500);
      return;
    }
    await sleep(100);
  }
  throw new Error("the fabric did not settle in 40 s");
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let db: DatabaseSync | undefined;
/** D1's SQLite file under PERSIST_TO (read-only), or undefined without it. */
export function d1(): DatabaseSync | undefined {
  const dir = process.env.PERSIST_TO;
  if (!dir) return undefined;
  if (!db) {
    const folder = `${dir}/v3/d1/miniflare-D1DatabaseObject`;
    const file = readdirSync(folder).find((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite");
    if (!file) throw new Error(`no D1 file in ${folder}`);
    db = new DatabaseSync(`${folder}/${file}`, { readOnly: true });
  }
  return db;
}

/** The registry events of one monitor in event_log, in log order. */
export function loggedEvents(monitorId: string): { type: string; version: number }[] | undefined {
  return d1()
    ?.prepare(
      `SELECT type, aggregate_version AS version FROM event_log WHERE aggregate_type = 'monitor' AND aggregate_id = ?
        AND type IN ('monitor_registered', 'monitor_updated', 'monitor_removed') ORDER BY seq`,
    )
    .all(monitorId) as { type: string; version: number }[] | undefined;
}

/** Rebuild every projection from event_log and wait for it to finish. */
export async function rebuild(): Promise<void> {
  const started = await api("POST", "/v1/admin/projections/rebuild", { projections: ["all"] });
  if (started.status !== 202) throw new Error(`rebuild: ${started.status} ${JSON.stringify(started.json)}`);
  for (let i = 0; i < 600; i++) {
    const r = await api("GET", `/v1/admin/projections/rebuild/${String(started.json.rebuildId)}`);
    if (r.json.status === "complete") return;
    if (r.json.status === "failed") throw new Error(`rebuild failed: ${JSON.stringify(r.json)}`);
    await sleep(100);
  }
  throw new Error("rebuild did not complete in 60 s");
}

/** Every monitor the registry lists (removed ones are not listed). */
export async function listedCount(): Promise<number> {
  let n = 0;
  let cursor: string | null = null;
  do {
    const page = (await api("GET", `/v1/monitors?limit=500${cursor ? `&cursor=${cursor}` : ""}`)).json;
    n += (page.monitors as unknown[]).length;
    cursor = page.nextCursor as string | null;
  } while (cursor);
  return n;
}
