import { describe, expect, it } from "vitest";
import { call, priceMonitor } from "./helpers";

/** The dev scoped tokens (test-fixtures/aux-workers.ts, each Worker's .dev.vars.example). */
const as = (token: string) => ({ authorization: `Bearer ${token}`, "content-type": "application/json" });
const READ = as("dev-read-token-local");
const WRITE = as("dev-write-token-local");
const CONTROL = as("dev-control-token-local");
const CP = "/v1/admin/control-plane/workflow-monitors";

describe("scoped admin tokens", () => {
  it("a read token reads everything and changes nothing, each refusal a 403 naming the missing scope", async () => {
    expect((await call("PUT", "/v1/monitors/scoped-1", priceMonitor("SCP", "gt", 1))).status).toBe(201);
    for (const path of ["/v1/monitors/scoped-1", "/v1/monitors", "/v1/admin/stats", "/v1/admin/shards"]) {
      expect((await call("GET", path, undefined, READ)).status).toBe(200);
    }
    // Explain only reads (a POST for its body): a read token may call it.
    expect((await call("POST", "/v1/monitors/scoped-1/explain", {}, READ)).status).toBe(200);
    expect((await call("POST", "/v1/explain", { monitor: priceMonitor("SCP", "gt", 1) }, READ)).status).toBe(200);
    const put = await call("PUT", "/v1/monitors/scoped-2", priceMonitor("SCP", "gt", 1), READ);
    expect(put.status).toBe(403);
    expect(put.json).toMatchObject({ code: "forbidden", requiredScope: "write" });
    expect(String(put.json.detail)).toContain('lacks the "write" scope');
    expect((await call("GET", "/v1/monitors/scoped-2")).status).toBe(404);
    const retry = await call("POST", "/v1/admin/deliveries/retry", undefined, READ);
    expect([retry.status, retry.json.requiredScope]).toEqual([403, "write"]);
    const due = await call("POST", `${CP}/due`, { requestId: "r1", workerId: "w1" }, READ);
    expect(due.status).toBe(403);
    expect(due.json).toMatchObject({ requiredScope: "control-plane" });
  });

  it("a write token registers and backtests; a control-plane token calls the seed-000 routes and reads nothing", async () => {
    expect((await call("PUT", "/v1/monitors/scoped-3", priceMonitor("SCQ", "gt", 1), WRITE)).status).toBe(201);
    expect((await call("POST", "/v1/monitors/scoped-3/backtest", {}, WRITE)).status).toBe(200);
    // Through the one-origin gateway to the matcher: every shard answers, and nothing waits here.
    const retry = await call("POST", "/v1/admin/deliveries/retry", undefined, WRITE);
    expect(retry.status).toBe(202);
    expect(retry.json).toMatchObject({ madeDue: 0 });
    expect(retry.json.shards).toHaveLength(4);
    expect((await call("POST", `${CP}/due`, { requestId: "r2", workerId: "w2" }, CONTROL)).status).toBe(200);
    const read = await call("GET", "/v1/monitors/scoped-3", undefined, CONTROL);
    expect(read.status).toBe(403);
    expect(read.json).toMatchObject({ requiredScope: "read" });
  });

  it("whoami answers each admin token exactly its own scopes, a control-plane token's too", async () => {
    for (const [headers, scopes] of [
      [READ, ["read"]],
      [WRITE, ["read", "write"]],
      [CONTROL, ["control-plane"]],
      [undefined, ["read", "write", "control-plane"]],
    ] as const) {
      const r = await call("GET", "/v1/admin/whoami", undefined, headers);
      expect(r.status).toBe(200);
      // Exactly the scopes: nothing else (the token least of all) in the answer.
      expect(r.json).toEqual({ scopes });
    }
  });

  it("an unknown token is a 401 whatever the route", async () => {
    for (const [method, path] of [
      ["GET", "/v1/monitors"],
      ["GET", "/v1/admin/whoami"],
      ["POST", `${CP}/due`],
    ] as const) {
      const r = await call(method, path, method === "POST" ? {} : undefined, as("dev-read-token-other"));
      expect(r.status).toBe(401);
      expect(r.json).toMatchObject({ code: "unauthorized", status: 401 });
    }
  });
});
