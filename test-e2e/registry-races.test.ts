import { describe, expect, it } from "vitest";
import { call, fabric, priceMonitor } from "./helpers";

/**
 * Registry writes that race each other, asserted as invariants (exactly one of the racing
 * conditional writes wins, whichever it is), so the outcome never depends on timing.
 */
describe("registry writes under races", () => {
  it("a conditional DELETE removes only the version it names: 412 with currentVersion otherwise", async () => {
    await call("PUT", "/v1/monitors/race-del", priceMonitor("RDA", "gt", 1));
    await call("PUT", "/v1/monitors/race-del", priceMonitor("RDA", "gt", 2));
    const stale = await call("DELETE", "/v1/monitors/race-del?expectedVersion=1");
    expect(stale.status).toBe(412);
    expect(stale.json).toMatchObject({ code: "precondition_failed", currentVersion: 2 });
    expect((await call("GET", "/v1/monitors/race-del")).json).toMatchObject({ version: 2 });
    expect((await call("DELETE", "/v1/monitors/race-del?expectedVersion=2")).status).toBe(204);
    expect((await call("GET", "/v1/monitors/race-del")).status).toBe(404);
    // A retried conditional DELETE finds the monitor gone: the state it asked for holds.
    expect((await call("DELETE", "/v1/monitors/race-del?expectedVersion=2")).status).toBe(204);
  });

  it("a DELETE based on a stale read does not remove the monitor re-created since", async () => {
    await call("PUT", "/v1/monitors/race-recreated", priceMonitor("RDB", "gt", 1));
    expect((await call("DELETE", "/v1/monitors/race-recreated")).status).toBe(204);
    const again = await call("PUT", "/v1/monitors/race-recreated", priceMonitor("RDB", "gt", 1));
    expect(again.json).toMatchObject({ version: 3 });
    await expect(fabric.monitors.delete("race-recreated", { expectedVersion: 1 })).rejects.toMatchObject({
      status: 412,
    });
    expect((await call("GET", "/v1/monitors/race-recreated")).status).toBe(200);
  });

  it("of a conditional PUT and a conditional DELETE of the same version, exactly one wins", async () => {
    for (let round = 0; round < 5; round++) {
      const id = `race-put-del-${round}`;
      await call("PUT", `/v1/monitors/${id}`, priceMonitor("RDC", "gt", 1));
      const [put, del] = await Promise.all([
        call("PUT", `/v1/monitors/${id}`, { ...priceMonitor("RDC", "gt", 2), expectedVersion: 1 }),
        call("DELETE", `/v1/monitors/${id}?expectedVersion=1`),
      ]);
      expect([put.status, del.status].sort()).toEqual(put.status === 200 ? [200, 412] : [204, 412]);
      const got = await call("GET", `/v1/monitors/${id}`);
      expect(got.status).toBe(put.status === 200 ? 200 : 404);
    }
  });

  it("refuses an expectedVersion that is not a version, and a misspelt query key, naming them", async () => {
    await call("PUT", "/v1/monitors/race-bad", priceMonitor("RDD", "gt", 1));
    const bad = await call("DELETE", "/v1/monitors/race-bad?expectedVersion=abc");
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("query.expectedVersion");
    const typo = await call("DELETE", "/v1/monitors/race-bad?expectedVerson=1");
    expect(typo.status).toBe(400);
    expect((await call("GET", "/v1/monitors/race-bad")).status).toBe(200);
  });
});
