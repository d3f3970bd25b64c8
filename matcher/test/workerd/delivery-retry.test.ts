import { createExecutionContext, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import worker from "../../src/index";
import { clearNotify, crossingMonitor, menv, notifyCalls, priceFacts, setNotifyStatus, shardFor } from "./helpers";

type Retry = {
  madeDue: number;
  undelivered: number;
  shards: { shard: number; madeDue: number; undelivered: number }[];
};
type Row = { match_id: string; attempts: number; next_attempt_at: number; delivered_at: number | null };

async function admin(method: string, path: string): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(`http://matcher${path}`, { method, headers: { authorization: "Bearer dev-admin-token" } }),
    menv,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return res;
}

async function retry(): Promise<Retry> {
  const res = await admin("POST", "/v1/admin/deliveries/retry");
  expect(res.status).toBe(202);
  return (await res.json()) as Retry;
}

function outbox(shard: ReturnType<typeof shardFor>): Promise<Row[]> {
  return runInDurableObject(shard, (_i, state) =>
    state.storage.sql
      .exec<Row>("SELECT match_id, attempts, next_attempt_at, delivered_at FROM outbox ORDER BY match_id")
      .toArray(),
  );
}

/** How many notify calls each of these matches got so far (the sink records failed calls too). */
async function callsOf(ids: string[]): Promise<Map<string, number>> {
  const out = new Map(ids.map((id) => [id, 0]));
  for (const c of await notifyCalls())
    if (out.has(c.body.matchId)) out.set(c.body.matchId, (out.get(c.body.matchId) ?? 0) + 1);
  return out;
}

async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, tries = 100): Promise<T> {
  let v = await read();
  for (let i = 0; i < tries && !done(v); i++) {
    await new Promise((r) => setTimeout(r, 100));
    v = await read();
  }
  return v;
}

const FAR = 300_000;

describe("POST /v1/admin/deliveries/retry", () => {
  afterEach(clearNotify);

  it("makes matches backed off by a failing notify due now; once the cause is fixed each is delivered once, and a second retry changes nothing", async () => {
    await setNotifyStatus(401);
    const shard = shardFor("RTY");
    for (const id of ["rty-1", "rty-2", "rty-3"]) await shard.upsertMonitor(crossingMonitor(id, "RTY", 100));
    const facts = priceFacts("RTY", [90, 110]);
    await shard.applyFacts(facts);
    const ids = ["rty-1", "rty-2", "rty-3"].map((m) => `${m}~1~${facts[1]?.eventId}`);

    // The failing notify backs every match off: attempted, not delivered, due again later.
    const failed = await until(
      () => outbox(shard),
      (rows) => rows.length === 3 && rows.every((r) => r.attempts >= 1),
    );
    expect(failed.map((r) => r.match_id)).toEqual([...ids].sort());
    expect(failed.every((r) => r.delivered_at === null)).toBe(true);

    // A long incident leaves them at the backoff's cap (5 min away). Pushed out until no round in
    // flight moves them back (such a round still fails: notify answers 401 until the fix below).
    let waiting: Row[] = [];
    for (let i = 0; i < 20; i++) {
      await runInDurableObject(shard, (_i, state) => {
        state.storage.sql.exec("UPDATE outbox SET next_attempt_at = ? WHERE delivered_at IS NULL", Date.now() + FAR);
      });
      await new Promise((r) => setTimeout(r, 300));
      waiting = await outbox(shard);
      if (waiting.every((r) => r.next_attempt_at > Date.now() + FAR / 2)) break;
    }
    expect(waiting.every((r) => r.next_attempt_at > Date.now() + FAR / 2)).toBe(true);

    // The cause is fixed: nothing goes out by itself for minutes...
    await setNotifyStatus(202);
    const before = await callsOf(ids);
    await new Promise((r) => setTimeout(r, 500));
    expect(await callsOf(ids)).toEqual(before);

    // ...until the retry, which makes those three due on their shard and delivers each once.
    const first = await retry();
    const home = first.shards.find((s) => s.madeDue > 0);
    expect(first.madeDue).toBe(3);
    expect(home).toMatchObject({ madeDue: 3 });
    expect(first.shards).toHaveLength(4);
    const delivered = await until(
      () => outbox(shard),
      (rows) => rows.every((r) => r.delivered_at !== null),
    );
    expect(delivered.every((r) => r.delivered_at !== null)).toBe(true);
    const after = await callsOf(ids);
    for (const id of ids) expect([id, (after.get(id) ?? 0) - (before.get(id) ?? 0)]).toEqual([id, 1]);

    // A repeat finds nothing waiting, moves nothing and sends nothing.
    const second = await retry();
    expect(second.madeDue).toBe(0);
    expect(second.shards.every((s) => s.madeDue === 0)).toBe(true);
    await new Promise((r) => setTimeout(r, 500));
    expect(await callsOf(ids)).toEqual(after);
  });

  it("delivers each match once when retries arrive during a burst's own delivery", async () => {
    const shard = shardFor("BRST");
    const monitors = Array.from({ length: 30 }, (_, i) => `brst-${i}`);
    await shard.upsertMonitors(monitors.map((id) => crossingMonitor(id, "BRST", 100)));
    const facts = priceFacts("BRST", [90, 110]);
    const retries = Promise.all([retry(), retry(), retry()]);
    await Promise.all([shard.applyFacts(facts), retries, retry(), retry()]);
    const ids = monitors.map((m) => `${m}~1~${facts[1]?.eventId}`);
    const rows = await until(
      async () => (await outbox(shard)).filter((r) => ids.includes(r.match_id)),
      (r) => r.length === 30 && r.every((x) => x.delivered_at !== null),
    );
    expect(rows.filter((r) => r.delivered_at !== null)).toHaveLength(30);
    await new Promise((r) => setTimeout(r, 300));
    const calls = await callsOf(ids);
    for (const id of ids) expect([id, calls.get(id)]).toEqual([id, 1]);
  });

  it("starts a match's backoff over: retried while notify still fails, it is tried again within seconds", async () => {
    await setNotifyStatus(401);
    const shard = shardFor("RST");
    await shard.upsertMonitor(crossingMonitor("rst-1", "RST", 100));
    await shard.applyFacts(priceFacts("RST", [90, 110]));
    // Its shard may hold other tests' rows: only this match's row counts here.
    const mine = async () => (await outbox(shard)).filter((r) => r.match_id.startsWith("rst-1~"));
    await until(mine, (rows) => rows.length === 1 && rows.every((r) => r.attempts >= 1));
    // A long incident: many attempts behind it, the next one at the cap.
    await runInDurableObject(shard, (_i, state) => {
      state.storage.sql.exec(
        "UPDATE outbox SET attempts = 9, next_attempt_at = ? WHERE delivered_at IS NULL",
        Date.now() + FAR,
      );
    });
    expect((await retry()).madeDue).toBe(1);
    // Still failing: the next round counts from a fresh start (attempt 1, backoff ≤ 1 s), not from 10.
    const [row] = await until(mine, (rows) => rows[0]?.attempts === 1);
    expect(row?.attempts).toBe(1);
    expect(row?.next_attempt_at).toBeLessThan(Date.now() + 2_000);
    await setNotifyStatus(202);
    await until(mine, (rows) => rows[0]?.delivered_at !== null);
  });
});
