import { createScheduledController } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { parseDomainEvent } from "../../../shared/src/events";
import { deterministicUlid } from "../../../shared/src/ids";
import { applyEvents } from "../../../shared/src/projections/apply";
import { d1Executor, PROJECTION_TABLES } from "../../../shared/src/projections/sql";
import worker from "../../src/index";
import { CP, call, renv } from "./runtime-helpers";

/**
 * Monitor expiry, the wall-clock side (DESIGN §8): the registry keeps expiresAt, reads say
 * `status: "expired"` from the moment wall-clock time reaches it, and the cron records one
 * monitor_expired per (monitor, version) through the event log and projections.
 */
const monitor = (expiresAt?: string | number, price = 1) => ({
  workflowId: "wf-exp",
  ownerUserId: "u-exp",
  predicate: {
    stream: { kind: "market_price", subject: { symbol: "ETH-USD" } },
    field: "price",
    op: "gt",
    value: price,
  },
  fire: { mode: "edge" },
  ...(expiresAt === undefined ? {} : { expiresAt }),
});

async function cron() {
  await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "* * * * *" }), renv);
}

async function expiredEvents(monitorId: string) {
  const { results } = await renv.DB.prepare(
    "SELECT event_id, aggregate_version, body FROM event_log WHERE type = 'monitor_expired' AND aggregate_id = ?",
  )
    .bind(monitorId)
    .all<{ event_id: string; aggregate_version: number; body: string }>();
  return results;
}

const get = async (id: string) => (await call("GET", `/v1/monitors/${id}`)).json;
const listed = async (query: string) =>
  ((await call("GET", `/v1/monitors?ownerUserId=u-exp&${query}`)).json.monitors as { monitorId: string }[]).map(
    (m) => m.monitorId,
  );

describe("monitor expiry", () => {
  it("keeps expiresAt (RFC 3339 in, epoch ms out, like every time a read returns) and reads active before it", async () => {
    const at = "2099-01-01T00:00:00Z";
    expect((await call("PUT", "/v1/monitors/exp-later", monitor(at))).status).toBe(201);
    const read = await get("exp-later");
    expect(read).toMatchObject({ expiresAt: Date.parse(at), status: "active", version: 1 });
    expect(await listed("status=active")).toContain("exp-later");
    expect(await listed("status=expired")).not.toContain("exp-later");
  });

  it("answers 400 naming expiresAt, and how to write it, when it is not a time", async () => {
    for (const bad of ["tomorrow", "2026-11-22T10:00:00", -1, true]) {
      const r = await call("PUT", "/v1/monitors/exp-bad", monitor(bad as string));
      expect(r.status, String(bad)).toBe(400);
      expect(r.type).toContain("application/problem+json");
      expect(r.json.errors?.[0]?.path).toBe("expiresAt");
      expect(r.json.errors?.[0]?.message).toMatch(/RFC 3339|integer from 0/);
    }
    expect((await call("GET", "/v1/monitors/exp-bad")).status).toBe(404);
  });

  it("reads expired once wall-clock passes expiresAt, before any event is recorded", async () => {
    const soon = Date.now() + 800;
    expect((await call("PUT", "/v1/monitors/exp-soon", monitor(soon))).status).toBe(201);
    expect((await get("exp-soon")).status).toBe("active");
    await new Promise((r) => setTimeout(r, Math.max(0, soon - Date.now()) + 50));
    expect((await get("exp-soon")).status).toBe("expired");
    expect(await listed("status=expired")).toContain("exp-soon");
    expect(await listed("status=active")).not.toContain("exp-soon");
    expect(await expiredEvents("exp-soon")).toHaveLength(0);
  });

  it("the cron records exactly one monitor_expired per version, however often it runs", async () => {
    const past = Date.now() - 60_000;
    expect((await call("PUT", "/v1/monitors/exp-past", monitor(new Date(past).toISOString()))).status).toBe(201);
    await Promise.all([cron(), cron()]);
    await cron();
    const scan = await call("POST", `${CP}/due-scan`, {});
    expect(scan.status).toBe(200);
    expect(scan.json.expired).not.toContain("exp-past");

    const events = await expiredEvents("exp-past");
    expect(events).toHaveLength(1);
    expect(events[0]?.aggregate_version).toBe(1);
    expect(events[0]?.event_id).toBe(await deterministicUlid(past, "monitor_expired", "exp-past", 1));
    expect(JSON.parse(events[0]?.body ?? "{}").data).toEqual({ monitorId: "exp-past", version: 1, expiresAt: past });
    expect(await get("exp-past")).toMatchObject({ status: "expired", version: 1 });
  });

  it("the on-demand due scan records it too, and names the monitors it expired", async () => {
    expect((await call("PUT", "/v1/monitors/exp-scan", monitor(Date.now() - 1000))).status).toBe(201);
    const first = await call("POST", `${CP}/due-scan`, {});
    expect(first.json.expired).toContain("exp-scan");
    const again = await call("POST", `${CP}/due-scan`, {});
    expect(again.json.expired).not.toContain("exp-scan");
    expect(await expiredEvents("exp-scan")).toHaveLength(1);
  });

  it("an update with a later expiresAt revives the monitor (new version), and it expires again on its own", async () => {
    expect((await call("PUT", "/v1/monitors/exp-revive", monitor(Date.now() - 1000))).status).toBe(201);
    await cron();
    expect(await get("exp-revive")).toMatchObject({ status: "expired", version: 1 });

    const soon = Date.now() + 600;
    const put = await call("PUT", "/v1/monitors/exp-revive", monitor(soon));
    expect(put.json).toMatchObject({ version: 2 });
    expect(await get("exp-revive")).toMatchObject({ status: "active", version: 2, expiresAt: soon });
    await cron();
    expect((await expiredEvents("exp-revive")).map((e) => e.aggregate_version)).toEqual([1]);

    await new Promise((r) => setTimeout(r, Math.max(0, soon - Date.now()) + 50));
    await cron();
    expect((await expiredEvents("exp-revive")).map((e) => e.aggregate_version).sort()).toEqual([1, 2]);
    expect(await get("exp-revive")).toMatchObject({ status: "expired", version: 2 });
  });

  it("a disabled monitor reads disabled until it expires, then expired", async () => {
    expect((await call("PUT", "/v1/monitors/exp-off", { ...monitor(Date.now() - 1000), enabled: false })).status).toBe(
      201,
    );
    expect((await get("exp-off")).status).toBe("expired");
    expect(
      (await call("PUT", "/v1/monitors/exp-off2", { ...monitor("2099-01-01T00:00:00Z"), enabled: false })).status,
    ).toBe(201);
    expect((await get("exp-off2")).status).toBe("disabled");
    expect(await listed("status=disabled")).toEqual(["exp-off2"]);
  });

  it("projecting the event log afresh (as a rebuild does) keeps every expiry exactly as it was", async () => {
    expect((await call("PUT", "/v1/monitors/exp-rebuilt", monitor(Date.now() - 1000))).status).toBe(201);
    await cron();
    const columns = "monitor_id, version, definition_version, expires_at, expired_version, removed, updated_at";
    const rows = () => renv.DB.prepare(`SELECT ${columns} FROM monitors ORDER BY monitor_id`).all();
    const before = {
      rows: (await rows()).results,
      read: await get("exp-rebuilt"),
      list: await listed("status=expired"),
    };
    expect(before.rows.find((r) => r.monitor_id === "exp-rebuilt")).toMatchObject({ expired_version: 1 });

    // The projections from event_log alone (the projector's rebuild runs these same statements
    // into shadow tables; test-e2e/rebuild.test.ts runs the real one through the fabric).
    const log = await renv.DB.prepare("SELECT body FROM event_log ORDER BY seq").all<{ body: string }>();
    await renv.DB.batch([...PROJECTION_TABLES, "event_log"].map((t) => renv.DB.prepare(`DELETE FROM ${t}`)));
    await applyEvents(
      d1Executor(renv.DB),
      log.results.map((r) => parseDomainEvent(JSON.parse(r.body))),
    );
    expect((await rows()).results).toEqual(before.rows);
    expect(await get("exp-rebuilt")).toEqual(before.read);
    expect(await listed("status=expired")).toEqual(before.list);
    // The rebuilt table still drives the scan: nothing left to record.
    expect((await call("POST", `${CP}/due-scan`, {})).json.expired).toEqual([]);
  });
});
