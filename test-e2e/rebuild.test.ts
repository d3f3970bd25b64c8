import { env } from "cloudflare:workers";
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

  it("fails a rebuild left 'running' without a workflow (the fabric died before starting it), so the next rebuild starts", async () => {
    // What a crash between recording the rebuild and creating its workflow leaves behind.
    const db = (env as unknown as { DB: D1Database }).DB;
    await db
      .prepare(
        "INSERT INTO rebuilds (rebuild_id, status, projections, events_applied, last_seq, started_at) VALUES (?, 'running', '[\"all\"]', 0, 0, ?)",
      )
      .bind("rb-orphan", Date.now() - 10 * 60_000)
      .run();

    const next = await call("POST", "/v1/admin/projections/rebuild", { projections: ["all"] });
    expect(next.status).toBe(202);
    const orphan = await call("GET", "/v1/admin/projections/rebuild/rb-orphan");
    expect(orphan.json).toMatchObject({ status: "failed" });
    expect(String(orphan.json.error)).toMatch(/workflow/);
    const done = await eventually(
      () => call("GET", `/v1/admin/projections/rebuild/${String(next.json.rebuildId)}`),
      (r) => r.json.status !== "running",
      30_000,
    );
    expect(done.json.status).toBe("complete");
  });

  it("answers 409 naming the running rebuild while one may still be starting", async () => {
    const db = (env as unknown as { DB: D1Database }).DB;
    // Recorded a moment ago: its workflow may be about to start, so it is not taken for an orphan.
    await db
      .prepare(
        "INSERT INTO rebuilds (rebuild_id, status, projections, events_applied, last_seq, started_at) VALUES (?, 'running', '[\"all\"]', 0, 0, ?)",
      )
      .bind("rb-starting", Date.now())
      .run();
    const second = await call("POST", "/v1/admin/projections/rebuild", { projections: ["all"] });
    expect(second.status).toBe(409);
    expect(second.json.rebuildId).toBe("rb-starting");
    expect(String(second.json.detail)).toContain("rb-starting");
    expect((await call("GET", "/v1/admin/projections/rebuild/rb-starting")).json.status).toBe("running");
    await db.prepare("UPDATE rebuilds SET status = 'failed' WHERE rebuild_id = 'rb-starting'").run();
  });
});
