import { describe, expect, it } from "vitest";
import { self } from "../test-fixtures/self";
import { call } from "./helpers";

describe("the public surface on one origin", () => {
  it("answers /healthz with every Worker ready", async () => {
    const res = await call("GET", "/healthz", undefined, {});
    expect(res.status).toBe(200);
    expect(res.json.workers).toMatchObject({ ingest: "ok", MONITOR_RUNTIME: "ok", PROJECTOR: "ok", MATCHER: "ok" });
  });

  it("serves one OpenAPI document with every Worker's routes, generated from the schemas", async () => {
    const res = await call("GET", "/openapi.json", undefined, {});
    expect(res.status).toBe(200);
    const paths = Object.keys(res.json.paths as object);
    for (const p of [
      "/v1/facts",
      "/v1/monitors/{monitorId}",
      "/v1/monitors/{monitorId}/matches",
      "/v1/admin/projections/rebuild",
      "/v1/admin/control-plane/workflow-monitors/notify-trigger-match",
      "/api/workflow-monitors/enqueue-tick",
    ]) {
      expect(paths).toContain(p);
    }
    expect(res.json["x-omitted"] ?? []).toEqual([]);
  });

  it("serves the interactive API reference at /docs", async () => {
    const res = await self().fetch("http://fabric/docs");
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("/openapi.json");
  });

  it.each([
    ["GET", "/v1/monitors"],
    ["GET", "/v1/streams/market_price/facts?symbol=X"],
    ["POST", "/v1/admin/control-plane/workflow-monitors/notify-trigger-matches"],
    ["GET", "/v1/monitors/any"],
    ["PUT", "/v1/monitors/any"],
    ["DELETE", "/v1/monitors/any"],
    ["GET", "/v1/monitors/any/matches"],
    ["POST", "/v1/monitors/any/backtest"],
    ["POST", "/v1/admin/projections/rebuild"],
    ["GET", "/v1/admin/shards"],
    ["POST", "/v1/admin/deliveries/retry"],
    ["GET", "/v1/admin/dead-letters/facts"],
    ["GET", "/v1/admin/dead-letters/events"],
    ["GET", "/v1/admin/dead-letters/wakes"],
    ["POST", "/v1/admin/control-plane/workflow-monitors/due"],
    ["POST", "/api/workflow-monitors/enqueue-tick"],
  ])("refuses %s %s without the admin token (401 problem+json)", async (method, path) => {
    for (const headers of [{}, { authorization: "Bearer dev-producer-token" }] as Record<string, string>[]) {
      const res = await self().fetch(`http://fabric${path}`, { method, headers });
      expect(res.status).toBe(401);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      await res.arrayBuffer();
    }
  });
});
