import { readFileSync } from "node:fs";
import { describe, expect, inject, it } from "vitest";
import { shardOf } from "../shared/src/streams";

/**
 * DESIGN §8 "Indicators, relative conditions, expiry" through `npm run dev` (the "readme"
 * project's fabric, SHARD_COUNT 8): monitors written as the contract shows them register, match
 * the facts pushed after them exactly where the values computed by hand (in the comments) say,
 * and their backtests return the same facts; a bad indicator is a 400 naming its path. Each run
 * uses its own symbols, so the shared fabric's other tests do not disturb it.
 */
const base = inject("devFabricBase");
const run = Date.now().toString(36).toUpperCase();
const ADMIN = { authorization: "Bearer dev-admin-token", "content-type": "application/json" };
const PRODUCER = { authorization: "Bearer dev-producer-token", "content-type": "application/json" };
const T0 = Date.parse("2026-11-22T10:00:00Z");

type Json = Record<string, unknown>;
type Match = { eventId: string };

async function call(
  method: string,
  path: string,
  body: unknown,
  headers = ADMIN,
): Promise<{ status: number; json: Json }> {
  const res = await fetch(`${base}${path}`, { method, headers, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json().catch(() => ({}))) as Json };
}

const stream = (symbol: string) => ({ kind: "market_price", subject: { symbol: `${symbol}-${run}` } });
const streamKey = (symbol: string) => `market_price:${symbol}-${run}`;
/** The dev fabric's shard count (matcher/wrangler.jsonc), to put the ratio's two streams on two shards. */
const SHARDS = Number(/"SHARD_COUNT":\s*"(\d+)"/.exec(readFileSync("matcher/wrangler.jsonc", "utf8"))?.[1] ?? 1);
/** A symbol named `name`, `name`1, `name`2… the first whose stream is not on `other`'s shard. */
const offShard = (name: string, other: string) =>
  [name, ...Array.from({ length: 20 }, (_, i) => `${name}${i + 1}`)].find(
    (s) => shardOf(streamKey(s), SHARDS) !== shardOf(streamKey(other), SHARDS),
  ) as string;
const BTC = offShard("BTC", "ETH");

/** Registers a monitor (edge mode) and checks it was created. */
async function register(id: string, predicate: Json, extra: Json = {}): Promise<void> {
  const put = await call("PUT", `/v1/monitors/${id}-${run}`, {
    workflowId: `wf-${id}`,
    ownerUserId: "u-indicators",
    predicate,
    fire: { mode: "edge" },
    ...extra,
  });
  expect(put.status, JSON.stringify(put.json)).toBe(201);
}

/**
 * Pushes prices one request at a time (so facts of two streams on two shards reach the monitor in
 * this order), the i-th observed at T0 + i minutes; returns their eventIds.
 */
async function push(points: [symbol: string, price: number][], firstMinute = 0): Promise<string[]> {
  const ids: string[] = [];
  for (const [k, [symbol, price]] of points.entries()) {
    const i = firstMinute + k;
    const fact = {
      ...stream(symbol),
      observedAt: T0 + i * 60_000,
      dedupeKey: `${symbol}-${run}-${i}`,
      data: { price },
    };
    const res = await call("POST", "/v1/facts", { facts: [fact] }, PRODUCER);
    expect(res.status).toBe(202);
    ids.push(...(res.json.eventIds as string[]));
  }
  return ids;
}

/** The monitor's matches once `count` have arrived (they pass a queue and the outbox first). */
async function matchesOf(id: string, count: number): Promise<string[]> {
  const end = Date.now() + 20_000;
  for (;;) {
    const r = await fetch(`${base}/v1/monitors/${id}-${run}/matches`, { headers: ADMIN });
    const matches = ((await r.json()) as { matches?: Match[] }).matches ?? [];
    if (matches.length >= count || Date.now() > end) return matches.map((m) => m.eventId);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function backtest(id: string): Promise<string[]> {
  const r = await call("POST", `/v1/monitors/${id}-${run}/backtest`, {});
  expect(r.status).toBe(200);
  return (r.json.matches as Match[]).map((m) => m.eventId);
}

describe("indicator, relative and expiring monitors through npm run dev", () => {
  it("golden cross: sma(3) crosses above sma(5) where d turns positive", async () => {
    await register("golden", {
      ...{ stream: stream("GC"), field: "price", indicator: { kind: "sma", samples: 3 } },
      op: "crosses_above",
      value: { field: "price", indicator: { kind: "sma", samples: 5 } },
    });
    // d = sma3 − sma5 from the 5th price: 7 − 8 = −1; 20/3 − 7.4 < 0; 22/3 − 7.4 < 0; 9 − 8 = +1
    // (the cross, 8th price); 32/3 − 9 > 0 (still above: no second match).
    const ids = await push([10, 9, 8, 7, 6, 7, 9, 11, 12].map((p): [string, number] => ["GC", p]));
    expect(await matchesOf("golden", 1)).toEqual([ids[7]]);
    expect(await backtest("golden")).toEqual([ids[7]]);
  });

  it("rsi(14) below 30: Wilder's smoothing after 14 changes", async () => {
    await register("rsi", {
      ...{ stream: stream("RSI"), field: "price", indicator: { kind: "rsi", samples: 14 } },
      ...{ op: "lt", value: 30 },
    });
    // 14 changes of ±1: G = L = 0.5, rsi 50. Then −10: G = 6.5/14, L = 16.5/14, rsi 28.26 (match);
    // +1: G = 0.5026, L = 1.0944, rsi 31.47; −5: G = 0.4666, L = 1.3734, rsi 25.36 (match again).
    const prices = [...Array.from({ length: 15 }, (_, i) => 100 + (i % 2)), 90, 91, 86];
    const ids = await push(prices.map((p): [string, number] => ["RSI", p]));
    expect(await matchesOf("rsi", 2)).toEqual([ids[15], ids[17]]);
    expect(await backtest("rsi")).toEqual([ids[15], ids[17]]);
  });

  it("ETH/BTC ratio crossing 0.05 across two streams on two shards, at a fact of either", async () => {
    expect(SHARDS).toBeGreaterThan(1);
    await register("ratio", {
      ...{ stream: stream("ETH"), field: "price", op: "crosses_above" },
      value: { stream: stream(BTC), field: "price", times: 0.05 },
    });
    // d = ETH − 0.05 × BTC: no d until both have a price; 2900 − 3000; 2950 − 3000; 2950 − 2900 > 0
    // (a BTC fact crosses it); 3000 − 2900; 3000 − 3100 < 0; 3200 − 3100 > 0 (an ETH fact).
    const ids = await push([
      [BTC, 60000],
      ["ETH", 2900],
      ["ETH", 2950],
      [BTC, 58000],
      ["ETH", 3000],
      [BTC, 62000],
      ["ETH", 3200],
    ]);
    expect(await matchesOf("ratio", 2)).toEqual([ids[3], ids[6]]);
    expect(await backtest("ratio")).toEqual([ids[3], ids[6]]);
  });

  it("the cross-shard ratio previewed before saving fires where it fires saved, over history and after saving", async () => {
    const [eth, btc] = ["ETHP", offShard("BTCP", "ETHP")] as const;
    const ratio = {
      ...{ stream: stream(eth), field: "price", op: "crosses_above" },
      value: { stream: stream(btc), field: "price", times: 0.05 },
    };
    // The ratio test's prices: d crosses above 0 at a BTC fact (4th) and at an ETH fact (7th).
    const prices = (): [string, number][] =>
      [60000, 2900, 2950, 58000, 3000, 62000, 3200].map((p, i) => [[0, 3, 5].includes(i) ? btc : eth, p]);
    const preview = async (from?: number) => {
      const monitor = {
        workflowId: "wf-preview",
        ownerUserId: "u-indicators",
        predicate: ratio,
        fire: { mode: "edge" },
      };
      const r = await call("POST", "/v1/explain", { monitor, ...(from === undefined ? {} : { from }) });
      expect(r.status, JSON.stringify(r.json)).toBe(200);
      const rows = r.json.rows as { eventId: string; decision: { outcome: string } }[];
      return {
        count: rows.length,
        matched: rows.filter((x) => x.decision.outcome === "matched").map((x) => x.eventId),
      };
    };
    /** Previews until all `count` facts have reached the shards (they pass the facts queue first). */
    const settled = async (count: number, from?: number) => {
      const end = Date.now() + 20_000;
      for (;;) {
        const p = await preview(from);
        if (p.count >= count || Date.now() > end) return p;
        await new Promise((r) => setTimeout(r, 250));
      }
    };

    // Not saved: the home (ETH's shard) holds no BTC fact, so the preview reads BTC from its own shard.
    const before = await push(prices());
    expect((await settled(7)).matched).toEqual([before[3], before[6]]);

    await register("ratio-previewed", ratio);
    const after = await push(prices(), 7);
    expect(await matchesOf("ratio-previewed", 2)).toEqual([after[3], after[6]]);
    const since = T0 + 7 * 60_000;
    const saved = await call("POST", `/v1/monitors/ratio-previewed-${run}/backtest`, { from: since });
    const savedMatches = (saved.json.matches as Match[]).map((m) => m.eventId);
    expect(savedMatches).toEqual([after[3], after[6]]);
    // Saved, the home follows BTC: a preview reads the home's copy and agrees over the facts since.
    expect((await settled(7, since)).matched).toEqual(savedMatches);
    // Over the history from before saving too: registration copied BTC's history in after ETH's,
    // and the saved monitor's replay merges it back in by eventId, as the preview before saving did.
    const all = await backtest("ratio-previewed");
    expect(all).toEqual([before[3], before[6], after[3], after[6]]);
    expect((await settled(14)).matched).toEqual(all);
    // The saved monitor's explain is what live matching did: from its registration on, the history
    // before it only feeding its series (DESIGN: a relative crossing's previous d is since registration).
    const explained = await call("POST", `/v1/monitors/ratio-previewed-${run}/explain`, {});
    const rows = explained.json.rows as { eventId: string; decision: { outcome: string } }[];
    expect(rows.filter((x) => x.decision.outcome === "matched").map((x) => x.eventId)).toEqual([after[3], after[6]]);
    expect(
      (await fetch(`${base}/v1/monitors/ratio-previewed-${run}`, { method: "DELETE", headers: ADMIN })).status,
    ).toBe(204);
  });

  it("expiresAt: a fact observed at or after it matches nothing, a twin without it still matches", async () => {
    const predicate = { stream: stream("EXP"), field: "price", op: "gt", value: 100 };
    await register("expiring", predicate, { expiresAt: new Date(T0 + 3 * 60_000).toISOString() });
    await register("lasting", predicate);
    // Prices at T0, +1, +2, +3 (= expiresAt), +4 min: true at 110 (+1) and again at 120 (+3).
    const ids = await push([90, 110, 90, 120, 90].map((p): [string, number] => ["EXP", p]));
    expect(await matchesOf("lasting", 2)).toEqual([ids[1], ids[3]]);
    expect(await matchesOf("expiring", 1)).toEqual([ids[1]]);
    expect(await backtest("expiring")).toEqual([ids[1]]);
    expect(await backtest("lasting")).toEqual([ids[1], ids[3]]);
    // Wall-clock time is long past this expiresAt, so the registry reads it as expired.
    const read = await fetch(`${base}/v1/monitors/expiring-${run}`, { headers: ADMIN });
    expect(((await read.json()) as { status?: string }).status).toBe("expired");
    // Gone again, so the shared fabric's cron scans (the README walkthrough runs one) see none of it.
    for (const id of ["expiring", "lasting"]) {
      expect((await fetch(`${base}/v1/monitors/${id}-${run}`, { method: "DELETE", headers: ADMIN })).status).toBe(204);
    }
  });

  it("refuses an unknown indicator or samples out of range with a 400 naming the path", async () => {
    const bad = async (indicator: Json) =>
      call("PUT", `/v1/monitors/bad-${run}`, {
        workflowId: "wf-bad",
        ownerUserId: "u-indicators",
        predicate: { all: [{ stream: stream("BAD"), field: "price", op: "gt", value: 1, indicator }] },
      });
    const unknown = await bad({ kind: "macd", samples: 14 });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.json)).toContain("predicate.all.0.indicator");
    const long = await bad({ kind: "sma", samples: 1001 });
    expect(long.status).toBe(400);
    expect(JSON.stringify(long.json)).toContain("predicate.all.0.indicator.samples");
    expect((await fetch(`${base}/v1/monitors/bad-${run}`, { headers: ADMIN })).status).toBe(404);
  });
});
