import { describe, expect, it } from "vitest";
import { call, eventually, PRODUCER, priceMonitor, prices } from "./helpers";

type Read = { status: number; json: Record<string, unknown> & { matches?: Record<string, unknown>[] } };
const reads = async (ids: string[]) =>
  Promise.all(
    ids.flatMap((id) => [call("GET", `/v1/monitors/${id}`), call("GET", `/v1/monitors/${id}/matches`)]),
  ) as Promise<Read[]>;

describe("projection rebuild", () => {
  it("rebuilds from event_log while new events keep arriving, and every read answers as before plus the new events", async () => {
    const ids = ["rb-1", "rb-2", "rb-3"];
    for (const [i, id] of ids.entries()) {
      expect((await call("PUT", `/v1/monitors/${id}`, priceMonitor(`RB${i}`, "crosses_above", 100))).status).toBe(201);
      await call("POST", "/v1/facts", { facts: prices(`RB${i}`, [90, 110, 95, 120, 80, 130]) }, PRODUCER);
    }
    await eventually(
      () => reads(ids),
      (rs) => rs.filter((_, i) => i % 2 === 1).every((r) => r.json.matches?.length === 3),
    );
    // An expired monitor whose monitor_expired the due scan recorded: the rebuild keeps it expired.
    const expiring = { ...priceMonitor("RBX", "gt", 1), expiresAt: Date.now() - 1000 };
    expect((await call("PUT", "/v1/monitors/rb-expired", expiring)).status).toBe(201);
    const scan = await call("POST", "/v1/admin/control-plane/workflow-monitors/due-scan", {});
    expect(scan.json.expired).toContain("rb-expired");
    ids.push("rb-expired");
    const before = await reads(ids);
    expect(before.at(-2)?.json.status).toBe("expired");

    const started = await call("POST", "/v1/admin/projections/rebuild", { projections: ["all"] });
    expect(started.status).toBe(202);
    const rebuildId = started.json.rebuildId as string;
    // Live traffic during the rebuild: a new monitor and new matches.
    expect((await call("PUT", "/v1/monitors/rb-new", priceMonitor("RBN", "crosses_above", 100))).status).toBe(201);
    await call("POST", "/v1/facts", { facts: prices("RBN", [90, 110]) }, PRODUCER);

    const status = await eventually(
      () => call("GET", `/v1/admin/projections/rebuild/${rebuildId}`),
      (r) => r.json.status !== "running",
      30_000,
    );
    expect(status.json).toMatchObject({ status: "complete" });
    expect(status.json.eventsApplied as number).toBeGreaterThan(0);

    const after = await reads(ids);
    expect(after.map((r) => r.json)).toEqual(before.map((r) => r.json));
    const fresh = await eventually(
      () => call("GET", "/v1/monitors/rb-new/matches"),
      (r) => r.json.matches?.length === 1,
    );
    expect(fresh.json.matches?.length).toBe(1);
    expect((await call("GET", "/v1/monitors/rb-new")).status).toBe(200);
  });

  it("answers 404 for an unknown rebuild and 401 without the admin token", async () => {
    expect((await call("GET", "/v1/admin/projections/rebuild/nope")).status).toBe(404);
    expect(
      (await call("POST", "/v1/admin/projections/rebuild", {}, { "content-type": "application/json" })).status,
    ).toBe(401);
  });
});
