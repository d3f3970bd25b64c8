import { describe, expect, it } from "vitest";
import { ADMIN, CP, call, post, pricePacket, renv, seedMonitor, stateOf } from "./runtime-helpers";

const ROUTES: [string, unknown][] = [
  [`${CP}/due`, { requestId: "r", workerId: "w" }],
  [`${CP}/tick`, { requestId: "r", workerId: "w", workflowId: "wf" }],
  [`${CP}/notify-execution`, { runId: "x" }],
  [`${CP}/notify-trigger-match`, { workflowId: "wf", monitorId: "m", matchId: "x" }],
  [`${CP}/recover`, { workflowId: "wf" }],
  [`${CP}/execution-refs`, { workflowId: "wf", runId: "x" }],
  ["/api/workflow-monitors/enqueue-tick", { workflowId: "wf", reason: "manual" }],
];

describe("monitor-runtime admin contract", () => {
  it("answers /healthz 200 once D1 has the migrations", async () => {
    const r = await call("GET", "/healthz");
    expect(r.status).toBe(200);
    expect(r.json.status).toBe("ok");
  });

  it("answers 401 problem+json on every admin route without a token or with a wrong one", async () => {
    for (const [path, body] of ROUTES) {
      for (const headers of [
        { "content-type": "application/json" },
        { ...ADMIN, authorization: "Bearer wrong-token" },
      ]) {
        const r = await post(path, body, headers);
        expect(r.status, path).toBe(401);
        expect(r.type).toContain("application/problem+json");
      }
    }
    expect((await call("GET", "/v1/admin/agents/users/u-1", undefined, {})).status).toBe(401);
  });

  it("answers 400 naming the path of each invalid field", async () => {
    const cases: [string, unknown, string][] = [
      [`${CP}/due`, { workerId: "w" }, "requestId"],
      [`${CP}/due`, { requestId: "r", workerId: "w", limit: 0 }, "limit"],
      [
        `${CP}/tick`,
        { requestId: "r", workerId: "w", workflowId: "wf", triggerEvent: pricePacket("ten") },
        "triggerEvent.data.price",
      ],
      [
        `${CP}/tick`,
        { requestId: "r", workerId: "w", workflowId: "wf", triggerEvent: { kind: "nope" } },
        "triggerEvent.kind",
      ],
      [`${CP}/notify-trigger-match`, { workflowId: "wf", monitorId: "m" }, "matchId"],
      [`${CP}/recover`, {}, "workflowId"],
      ["/api/workflow-monitors/enqueue-tick", { workflowId: "wf", reason: "because" }, "reason"],
    ];
    for (const [path, body, errorPath] of cases) {
      const r = await post(path, body);
      expect(r.status, path).toBe(400);
      expect(r.type).toContain("application/problem+json");
      expect(
        r.json.errors?.map((e) => e.path),
        path,
      ).toContain(errorPath);
    }
    for (const path of [`${CP}/notify-execution`, `${CP}/execution-refs`]) {
      const r = await post(path, { workflowId: "wf" });
      expect(r.status, path).toBe(400);
      expect(r.json.errors?.[0]?.message).toMatch(/at least one of operationId/);
    }
    expect((await post(`${CP}/due`, "{not json")).status).toBe(400);
  });

  it("accepts a triggerEvent of each of the 11 fact kinds", async () => {
    await seedMonitor({ monitorId: "kinds", checkIntervalMs: 60_000 });
    const t = "2026-11-22T10:00:00.000Z";
    const packets = [
      pricePacket(10),
      {
        kind: "market_candles",
        subject: { symbol: "B" },
        observedAt: t,
        data: { interval: "1m", candles: [{ openTime: t, open: 1, high: 2, low: 1, close: 2, volume: 3 }] },
      },
      { kind: "approval_pending_count", subject: { userId: "u" }, observedAt: t, data: { value: 2 } },
      { kind: "account_buying_power_usd", subject: { accountId: "a" }, observedAt: t, data: { value: 5 } },
      { kind: "account_cash_usd", subject: { accountId: "a" }, observedAt: t, data: { value: 5 } },
      { kind: "portfolio_nav_usd", subject: { portfolioId: "p" }, observedAt: t, data: { value: 5 } },
      { kind: "portfolio_cash_pct", subject: { portfolioId: "p" }, observedAt: t, data: { value: 5 } },
      { kind: "portfolio_drift_from_target", subject: { portfolioId: "p" }, observedAt: t, data: { value: 5 } },
      { kind: "portfolio_concentration", subject: { portfolioId: "p" }, observedAt: t, data: { value: 5 } },
      {
        kind: "portfolio_held_asset_performance",
        subject: { portfolioId: "p", asset: "BTC" },
        observedAt: t,
        data: { value: -3, window: "1d" },
      },
      {
        kind: "portfolio_held_asset_metrics",
        subject: { portfolioId: "p", asset: "BTC" },
        observedAt: t,
        data: { metrics: { rsi: 40 } },
      },
    ];
    for (const [i, triggerEvent] of packets.entries()) {
      const r = await post(`${CP}/tick`, {
        requestId: `kind-${i}`,
        workerId: "w",
        workflowId: "wf-kinds",
        triggerEvent,
      });
      expect(r.status, triggerEvent.kind).toBe(200);
    }
    expect((await stateOf("kinds"))?.tick_count).toBe(11);
  });

  it("answers 404 for unknown workflows and monitors, 403 for another owner", async () => {
    await seedMonitor({ monitorId: "m404", ownerUserId: "u-owner" });
    const cases: [string, unknown][] = [
      [`${CP}/tick`, { requestId: "r", workerId: "w", workflowId: "wf-none" }],
      [`${CP}/notify-trigger-match`, { workflowId: "wf-none", monitorId: "m-none", matchId: "x" }],
      [`${CP}/notify-trigger-match`, { workflowId: "wf-other", monitorId: "m404", matchId: "x" }],
      [`${CP}/recover`, { workflowId: "wf-none" }],
      [`${CP}/execution-refs`, { workflowId: "wf-none", runId: "x" }],
      ["/api/workflow-monitors/enqueue-tick", { workflowId: "wf-none", reason: "manual" }],
    ];
    for (const [path, body] of cases) {
      const r = await post(path, body);
      expect(r.status, path).toBe(404);
      expect(r.type).toContain("application/problem+json");
    }
    const r = await post(`${CP}/notify-trigger-match`, {
      workflowId: "wf-m404",
      monitorId: "m404",
      matchId: "x",
      ownerUserId: "u-else",
    });
    expect(r.status).toBe(403);
  });

  it("notify-execution answers 202 {enqueued:false} when no execution ref matches", async () => {
    const r = await post(`${CP}/notify-execution`, { operationId: "op-unknown", runId: "run-unknown" });
    expect(r.status).toBe(202);
    expect(r.json.enqueued).toBe(false);
  });

  it("execution-refs records a ref (201) findable by each of its ids, and refuses an id of another workflow (409)", async () => {
    await seedMonitor({ monitorId: "refs", linkedPortfolioIds: ["pf-refs"] });
    await seedMonitor({ monitorId: "refs2" });
    const r = await post(`${CP}/execution-refs`, { workflowId: "wf-refs", operationId: "op-1", runId: "run-1" });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ workflowId: "wf-refs", portfolioId: "pf-refs", refKey: "operationId:op-1" });
    const rows = await renvRows("wf-refs");
    expect(rows).toEqual([
      { ref_kind: "operationId", ref_value: "op-1", ref_key: "operationId:op-1", status: "pending" },
      { ref_kind: "runId", ref_value: "run-1", ref_key: "operationId:op-1", status: "pending" },
    ]);
    expect(
      (await post(`${CP}/execution-refs`, { workflowId: "wf-refs", operationId: "op-1", runId: "run-1" })).status,
    ).toBe(201);
    const clash = await post(`${CP}/execution-refs`, { workflowId: "wf-refs2", runId: "run-1" });
    expect(clash.status).toBe(409);
  });

  it("tick runs the built-in executor: counts once per requestId, records the reason, sets the next due time", async () => {
    await seedMonitor({ monitorId: "tick", checkIntervalMs: 120_000 });
    const body = { requestId: "tick-r1", workerId: "w", workflowId: "wf-tick", reason: "manual" };
    const first = await post(`${CP}/tick`, body);
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({
      workflowId: "wf-tick",
      monitorId: "tick",
      tickCount: 1,
      reason: "manual",
      executor: "builtin",
      waitFor: "trigger_matched",
    });
    expect(first.json.nextDueAt).toBe((first.json.tickedAt as number) + 120_000);
    const again = await post(`${CP}/tick`, body);
    expect(again.json).toMatchObject({ tickCount: 1, tickId: first.json.tickId, tickedAt: first.json.tickedAt });
    const state = await stateOf("tick");
    expect(state).toMatchObject({ tick_count: 1, last_tick_reason: "manual", next_due_at: first.json.nextDueAt });
  });

  it("tick takes the optional matchIds of a coalesced wake and records them on tick_executed", async () => {
    await seedMonitor({ monitorId: "tick-many" });
    const matchIds = ["tick-many~1~E1", "tick-many~1~E2"];
    const body = { requestId: "tick-many-r1", workerId: "w", workflowId: "wf-tick-many", reason: "trigger_match" };
    expect((await post(`${CP}/tick`, { ...body, matchIds })).status).toBe(200);
    const row = await renv.DB.prepare(
      "SELECT body FROM event_log WHERE type = 'tick_executed' AND aggregate_id = 'wf-tick-many'",
    ).first<{ body: string }>();
    expect((JSON.parse(row?.body ?? "{}") as { data: unknown }).data).toMatchObject({ matchIds });
    const empty = await post(`${CP}/tick`, { ...body, requestId: "tick-many-r2", matchIds: [] });
    expect(empty.status).toBe(400);
    expect(empty.json.errors?.[0]?.path).toBe("matchIds");
  });

  it("due lists enabled monitors whose next due time has passed, with a stable instance id per requestId", async () => {
    await seedMonitor({ monitorId: "due-a", checkIntervalMs: 60_000 });
    await seedMonitor({ monitorId: "due-off", checkIntervalMs: 60_000, enabled: false });
    await seedMonitor({ monitorId: "due-none" });
    const a = await post(`${CP}/due`, { requestId: "due-req", workerId: "w", limit: 500 });
    expect(a.status).toBe(200);
    const monitors = a.json.monitors as { monitorId: string; instanceId: string }[];
    const ids = monitors.map((m) => m.monitorId);
    expect(ids).toContain("due-a");
    expect(ids).not.toContain("due-off");
    expect(ids).not.toContain("due-none");
    const b = await post(`${CP}/due`, { requestId: "due-req", workerId: "w", limit: 500 });
    expect(b.json.monitors).toEqual(a.json.monitors);
    const c = await post(`${CP}/due`, { requestId: "due-other", workerId: "w", limit: 500 });
    const instanceOf = (r: typeof a, id: string) =>
      (r.json.monitors as typeof monitors).find((m) => m.monitorId === id)?.instanceId;
    expect(instanceOf(c, "due-a")).not.toBe(instanceOf(a, "due-a"));
  });

  it("serves its OpenAPI document with every route of the contract", async () => {
    const r = await call("GET", "/openapi.json", undefined, {});
    expect(r.status).toBe(200);
    const paths = Object.keys(r.json.paths as object);
    for (const [path] of ROUTES) expect(paths).toContain(path);
    expect(paths).toContain("/v1/admin/agents/users/{userId}");
  });
});

async function renvRows(workflowId: string) {
  const { renv } = await import("./runtime-helpers");
  const { results } = await renv.DB.prepare(
    "SELECT ref_kind, ref_value, ref_key, status FROM workflow_execution_refs WHERE workflow_id = ? ORDER BY ref_kind",
  )
    .bind(workflowId)
    .all();
  return results;
}
