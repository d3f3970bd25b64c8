import { describe, expect, it } from "vitest";
import { call, eventually, fabric, matchesOf, priceMonitorInput, prices } from "./helpers";

/** Every read a rebuild must leave as it was: each monitor (definition, status, state) and its matches. */
const reads = async (ids: string[]) =>
  Promise.all(ids.map(async (id) => ({ monitor: await fabric.monitors.get(id), matches: await matchesOf(id) })));

describe("projection rebuild", () => {
  it("rebuilds from event_log while new events keep arriving, and every read answers as before plus the new events", async () => {
    const ids = ["rb-1", "rb-2", "rb-3"];
    for (const [i, id] of ids.entries()) {
      expect((await fabric.monitors.put(id, priceMonitorInput(`RB${i}`, "crosses_above", 100))).created).toBe(true);
      await fabric.facts.push(prices(`RB${i}`, [90, 110, 95, 120, 80, 130]));
    }
    await eventually(
      () => reads(ids),
      (rs) => rs.every((r) => r.matches.length === 3),
    );
    // An expired monitor whose monitor_expired the due scan recorded: the rebuild keeps it expired.
    const expiring = { ...priceMonitorInput("RBX", "gt", 1), expiresAt: Date.now() - 1000 };
    expect((await fabric.monitors.put("rb-expired", expiring)).created).toBe(true);
    const scan = await call("POST", "/v1/admin/control-plane/workflow-monitors/due-scan", {});
    expect(scan.json.expired).toContain("rb-expired");
    ids.push("rb-expired");
    // The matches' wake-ups tick the workflows a little later: compare once the reads stand still.
    let before = await reads(ids);
    for (let i = 0; i < 20; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      const again = await reads(ids);
      if (JSON.stringify(again) === JSON.stringify(before)) break;
      before = again;
    }
    expect(before.at(-1)?.monitor.status).toBe("expired");

    // Live traffic during the rebuild (from its first progress report on): a new monitor and new matches.
    let live: Promise<unknown> | undefined;
    const done = await fabric.rebuild({
      projections: ["all"],
      pollIntervalMs: 100,
      onProgress: () => {
        live ??= fabric.monitors
          .put("rb-new", priceMonitorInput("RBN", "crosses_above", 100))
          .then(() => fabric.facts.push(prices("RBN", [90, 110])));
      },
    });
    await live;
    expect(done.status).toBe("complete");
    expect(done.eventsApplied).toBeGreaterThan(0);

    expect(await reads(ids)).toEqual(before);
    const fresh = await eventually(
      () => matchesOf("rb-new"),
      (ms) => ms.length === 1,
    );
    expect(fresh).toHaveLength(1);
    expect((await fabric.monitors.get("rb-new")).monitorId).toBe("rb-new");
  });

  it("answers 404 for an unknown rebuild and 401 without the admin token", async () => {
    expect((await call("GET", "/v1/admin/projections/rebuild/nope")).status).toBe(404);
    expect(
      (await call("POST", "/v1/admin/projections/rebuild", {}, { "content-type": "application/json" })).status,
    ).toBe(401);
  });
});
