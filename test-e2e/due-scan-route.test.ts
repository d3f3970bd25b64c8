import { describe, expect, it } from "vitest";
import { MonitorBodySchema } from "../shared/src/monitor";
import { self } from "../test-fixtures/self";
import { ADMIN, call, eventually, fabric } from "./helpers";

/**
 * The cron due scan run through the public origin (`POST …/due-scan`): locally the one way to run
 * the cron, since the Worker on the port (ingest) has no `scheduled` handler. It must do what the
 * cron does (wake each due monitor's workflow with reason `due`) and, for one requestId, start
 * nothing twice.
 */
const SCAN = "/v1/admin/control-plane/workflow-monitors/due-scan";
type State = { tickCount: number; lastTickReason: string | null };
const stateOf = async (id: string): Promise<State> => (await fabric.monitors.get(id)).state;

const navMonitor = (checkIntervalMs?: number) => ({
  workflowId: `wf-${checkIntervalMs ?? "none"}`,
  ownerUserId: "u-1",
  linkedPortfolioIds: ["pf-1"],
  predicate: {
    stream: { kind: "portfolio_nav_usd", subject: { portfolioId: "pf-1" } },
    field: "value",
    op: "lt",
    value: 1,
  },
  ...(checkIntervalMs ? { checkIntervalMs } : {}),
});

describe("the due scan on demand", () => {
  it("refuses a caller without the admin token", async () => {
    for (const headers of [{}, { authorization: "Bearer dev-producer-token" }] as Record<string, string>[]) {
      const res = await self().fetch(`http://fabric${SCAN}`, { method: "POST", headers });
      expect(res.status).toBe(401);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      await res.arrayBuffer();
    }
  });

  it("wakes every due monitor's workflow once with reason due, under the cron's requestId for this minute", async () => {
    expect((await fabric.monitors.put("scan-due", MonitorBodySchema.parse(navMonitor(3_600_000)))).created).toBe(true);
    expect((await fabric.monitors.put("scan-event-only", MonitorBodySchema.parse(navMonitor()))).created).toBe(true);

    const first = await call("POST", SCAN, undefined, { authorization: ADMIN.authorization });
    expect(first.status).toBe(200);
    expect(first.json.requestId).toMatch(/^cron-\d{4}-\d\d-\d\dT\d\d:\d\d$/);
    expect(first.json).toMatchObject({ due: 1, results: [{ workflowId: "wf-3600000", delivery: "created" }] });
    expect(first.json.created).toHaveLength(1);
    // The same scan again at once (an overlapping cron run, an operator's retry) starts nothing new.
    const again = await call("POST", SCAN, { requestId: first.json.requestId });
    expect(again.status).toBe(200);
    expect(again.json.created).toEqual([]);

    const after = await eventually(
      () => stateOf("scan-due"),
      (s) => (s?.tickCount ?? 0) >= 1,
      20_000,
    );
    expect(after).toMatchObject({ tickCount: 1, lastTickReason: "due" });
    expect((await stateOf("scan-event-only"))?.tickCount ?? 0).toBe(0);

    await new Promise((r) => setTimeout(r, 500));
    expect(await stateOf("scan-due")).toMatchObject({ tickCount: 1 });
  });

  it("refuses a body it cannot read with 400 naming the path", async () => {
    const res = await call("POST", SCAN, { limit: 0 });
    expect(res.status).toBe(400);
    expect(res.json.errors).toEqual([expect.objectContaining({ path: "limit" })]);
  });
});
