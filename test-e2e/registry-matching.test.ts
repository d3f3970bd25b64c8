import { describe, expect, it } from "vitest";
import { call, eventually, fabric, matchesOf, priceMonitor, priceMonitorInput, prices } from "./helpers";

describe("registry → matcher → projector, through the real queues", () => {
  it("registers a monitor (201, version 1), reads it back, and matches exactly the crossings", async () => {
    const put = await call("PUT", "/v1/monitors/m-cross", priceMonitor("AAA", "crosses_above", 100));
    expect(put.status).toBe(201);
    expect(put.json).toEqual({ monitorId: "m-cross", version: 1 });
    const got = await call("GET", "/v1/monitors/m-cross");
    expect(got.status).toBe(200);
    expect(got.json.state).toMatchObject({ matchCount: 0, tickCount: 0 });

    const pushed = await fabric.facts.push(prices("AAA", [90, 110, 95, 120, 130, 80]));
    expect(pushed).toMatchObject({ accepted: 6, duplicates: 0 });
    const ids = pushed.eventIds;
    const matches = await eventually(
      () => matchesOf("m-cross"),
      (ms) => ms.length >= 2,
    );
    expect(matches.map((m) => m.eventId)).toEqual([ids[1], ids[3]]);
    const monitor = await eventually(
      () => fabric.monitors.get("m-cross"),
      (m) => m.state.matchCount === 2,
    );
    expect(monitor.state).toMatchObject({ matchCount: 2, lastMatchId: matches[1]?.matchId });
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
    await fabric.facts.push(prices("DDD", [90, 110, 95, 120]));
    await new Promise((r) => setTimeout(r, 500));
    expect((await fabric.monitors.put("m-bt", priceMonitorInput("DDD", "crosses_above", 100))).created).toBe(true);
    expect(await fabric.monitors.backtest("m-bt")).toHaveLength(2);
    expect(await matchesOf("m-bt")).toEqual([]);
  });
});
