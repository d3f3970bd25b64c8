import { describe, expect, it } from "vitest";
import { call, eventually, PRODUCER, priceMonitor, prices } from "./helpers";

describe("registry → matcher → projector, through the real queues", () => {
  it("registers a monitor (201, version 1), reads it back, and matches exactly the crossings", async () => {
    const put = await call("PUT", "/v1/monitors/m-cross", priceMonitor("AAA", "crosses_above", 100));
    expect(put.status).toBe(201);
    expect(put.json).toEqual({ monitorId: "m-cross", version: 1 });
    const got = await call("GET", "/v1/monitors/m-cross");
    expect(got.status).toBe(200);
    expect(got.json.state).toMatchObject({ matchCount: 0, tickCount: 0 });

    const pushed = await call("POST", "/v1/facts", { facts: prices("AAA", [90, 110, 95, 120, 130, 80]) }, PRODUCER);
    expect(pushed.status).toBe(202);
    const ids = pushed.json.eventIds as string[];
    const page = await eventually(
      () => call("GET", "/v1/monitors/m-cross/matches"),
      (r) => (r.json.matches?.length ?? 0) >= 2,
    );
    expect(page.json.matches?.map((m) => m.eventId)).toEqual([ids[1], ids[3]]);
    const state = await eventually(
      () => call("GET", "/v1/monitors/m-cross"),
      (r) => (r.json.state as { matchCount: number }).matchCount === 2,
    );
    expect(state.json.state).toMatchObject({ matchCount: 2, lastMatchId: page.json.matches?.[1]?.matchId });
  });

  it("updates with a growing version (200), rejects a stale expectedVersion (412), deletes (204 then 404)", async () => {
    expect((await call("PUT", "/v1/monitors/m-ver", priceMonitor("BBB", "gt", 1))).status).toBe(201);
    const upd = await call("PUT", "/v1/monitors/m-ver", priceMonitor("BBB", "gt", 2));
    expect(upd.status).toBe(200);
    expect(upd.json.version).toBe(2);
    const same = await call("PUT", "/v1/monitors/m-ver", priceMonitor("BBB", "gt", 2));
    expect(same.json.version).toBe(2);
    const stale = await call("PUT", "/v1/monitors/m-ver", { ...priceMonitor("BBB", "gt", 3), expectedVersion: 1 });
    expect(stale.status).toBe(412);
    expect((await call("DELETE", "/v1/monitors/m-ver")).status).toBe(204);
    expect((await call("GET", "/v1/monitors/m-ver")).status).toBe(404);
    expect((await call("DELETE", "/v1/monitors/never-was")).status).toBe(404);
  });

  it("rejects a predicate that reads a field its kind does not have, naming the path", async () => {
    const bad = priceMonitor("CCC", "gt", 1) as { predicate: { all: { field: string }[] } };
    const first = bad.predicate.all[0];
    if (first) first.field = "volume";
    const res = await call("PUT", "/v1/monitors/m-bad", bad);
    expect(res.status).toBe(400);
    expect(res.text).toContain("predicate.all.0.field");
  });

  it("backtests the current definition over the stored fact log without side effects", async () => {
    await call("POST", "/v1/facts", { facts: prices("DDD", [90, 110, 95, 120]) }, PRODUCER);
    await new Promise((r) => setTimeout(r, 500));
    expect((await call("PUT", "/v1/monitors/m-bt", priceMonitor("DDD", "crosses_above", 100))).status).toBe(201);
    const bt = await call("POST", "/v1/monitors/m-bt/backtest", {});
    expect(bt.status).toBe(200);
    expect(bt.json.matches?.length).toBe(2);
    const matches = await call("GET", "/v1/monitors/m-bt/matches");
    expect(matches.json.matches).toEqual([]);
  });
});
