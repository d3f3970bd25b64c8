import { describe, expect, it } from "vitest";
import { listQuery } from "../../src/registry/list-monitors";
import { call, renv } from "./runtime-helpers";

/**
 * `GET /v1/monitors?stream=` lists the monitors whose definition in force reads the stream: by a
 * condition or by a relative condition's operand (a ratio monitor reads both its symbols), and
 * only while they do (an update moving a monitor to another stream takes it off the first, a
 * removal off both). It pages through the monitor_streams projection's index.
 */
type Stream = { kind: string; subject: Record<string, string> };
const price = (symbol: string): Stream => ({ kind: "market_price", subject: { symbol } });
const monitor = (monitorId: string, predicate: Record<string, unknown>) => ({
  workflowId: `wf-${monitorId}`,
  ownerUserId: "u-by-stream",
  predicate,
  fire: { mode: "edge" },
});
const above = (symbol: string, value: unknown) => ({ stream: price(symbol), field: "price", op: "gt", value });

const listed = async (stream: string) => {
  const res = await call("GET", `/v1/monitors?stream=${encodeURIComponent(stream)}&limit=50`);
  expect(res.status).toBe(200);
  return (res.json.monitors as { monitorId: string }[]).map((m) => m.monitorId);
};

describe("GET /v1/monitors?stream=", () => {
  it("lists a monitor under each stream it reads, operands included, and follows updates and removals", async () => {
    const ratio = above("BS-ETH", { stream: price("BS-BTC"), field: "price", times: 0.05 });
    expect((await call("PUT", "/v1/monitors/bs-ratio", monitor("bs-ratio", ratio))).status).toBe(201);
    expect((await call("PUT", "/v1/monitors/bs-plain", monitor("bs-plain", above("BS-BTC", 1)))).status).toBe(201);
    expect(await listed("market_price:BS-ETH")).toEqual(["bs-ratio"]);
    expect(await listed("market_price:BS-BTC")).toEqual(["bs-plain", "bs-ratio"]);

    // Moved to another stream: off BS-BTC and BS-ETH, on BS-SOL.
    expect((await call("PUT", "/v1/monitors/bs-ratio", monitor("bs-ratio", above("BS-SOL", 2)))).status).toBe(200);
    expect(await listed("market_price:BS-ETH")).toEqual([]);
    expect(await listed("market_price:BS-BTC")).toEqual(["bs-plain"]);
    expect(await listed("market_price:BS-SOL")).toEqual(["bs-ratio"]);

    expect((await call("DELETE", "/v1/monitors/bs-plain")).status).toBe(204);
    expect(await listed("market_price:BS-BTC")).toEqual([]);
    // Re-created on the same id: listed again.
    expect((await call("PUT", "/v1/monitors/bs-plain", monitor("bs-plain", above("BS-BTC", 3)))).status).toBe(201);
    expect(await listed("market_price:BS-BTC")).toEqual(["bs-plain"]);
  });

  it("pages through the stream's index in monitorId order, without scanning or sorting monitors", async () => {
    const { sql, binds } = listQuery({ stream: "market_price:BS-BTC", enabled: true }, Date.now());
    const { results } = await renv.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
      .bind(...binds, "", 7)
      .all<{ detail: string }>();
    const plan = results.map((r) => r.detail).join("\n");
    expect(plan).toMatch(/USING (COVERING )?INDEX monitor_streams_by_stream\S* \(stream_key=\? AND monitor_id>\?\)/);
    expect(plan).not.toContain("TEMP B-TREE");
    expect(plan).not.toMatch(/SCAN m\b/);
  });
});
