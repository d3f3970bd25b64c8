import { describe, expect, it } from "vitest";
import { DomainEventSchema } from "../../../shared/src/events";
import { newId } from "../../../shared/src/ids";
import { applyEvents } from "../../../shared/src/projections/apply";
import { d1Executor } from "../../../shared/src/projections/sql";
import { CP, call, renv } from "./runtime-helpers";

/**
 * The ways a monitor stops without being removed, and what reads and the due scan make of them:
 * `expiresAt` ends it (README "Predicates"), and `once` disables it after its first match
 * (DESIGN §3). A stopped monitor reads so, and the cron no longer wakes its workflow on
 * `checkIntervalMs`.
 */
const body = (monitorId: string, owner: string, extra: Record<string, unknown> = {}) => ({
  workflowId: `wf-${monitorId}`,
  ownerUserId: owner,
  checkIntervalMs: 60_000,
  predicate: {
    stream: { kind: "market_price", subject: { symbol: "ETH-USD" } },
    field: "price",
    op: "gt",
    value: 1,
  },
  fire: { mode: "edge" },
  ...extra,
});

/** Records a match of `monitorId` at `version` in D1, as the matcher's outbox delivery does. */
async function recordMatch(monitorId: string, owner: string, version: number): Promise<void> {
  const at = Date.parse("2026-11-22T10:00:00.000Z") + version * 1000;
  const eventId = newId(at);
  const event = DomainEventSchema.parse({
    eventId: newId(at),
    type: "trigger_matched",
    schemaVersion: 2,
    aggregateType: "monitor",
    aggregateId: monitorId,
    aggregateVersion: version,
    occurredAt: at,
    data: {
      matchId: `${monitorId}~${version}~${eventId}`,
      monitorId,
      monitorVersion: version,
      eventId,
      observedAt: at,
      streamKey: "market_price:ETH-USD",
      workflowId: `wf-${monitorId}`,
      ownerUserId: owner,
      portfolioId: null,
      triggerEvent: { kind: "market_price", subject: { symbol: "ETH-USD" }, observedAt: at, data: { price: 2 } },
    },
  });
  await applyEvents(d1Executor(renv.DB), [event]);
}

const get = async (id: string) => (await call("GET", `/v1/monitors/${id}`)).json;
const listed = async (owner: string, status: string) =>
  (
    (await call("GET", `/v1/monitors?ownerUserId=${owner}&status=${status}`)).json.monitors as { monitorId: string }[]
  ).map((m) => m.monitorId);
/** The monitors of `owner` the due route (the cron's selection) says are due now. */
const dueOf = async (owner: string) =>
  (
    (await call("POST", `${CP}/due`, { requestId: newId(Date.now()), workerId: "test", limit: 500 })).json.monitors as {
      monitorId: string;
    }[]
  )
    .map((m) => m.monitorId)
    .filter((id) => id.startsWith(owner));

describe("a monitor that has ended", () => {
  it("is not due once expired: the due scan skips it, recorded as expired or not", async () => {
    expect((await call("PUT", "/v1/monitors/end-exp-live", body("end-exp-live", "end-exp"))).status).toBe(201);
    const past = { expiresAt: Date.now() - 1000 };
    expect((await call("PUT", "/v1/monitors/end-exp-past", body("end-exp-past", "end-exp", past))).status).toBe(201);
    expect(await get("end-exp-past")).toMatchObject({ status: "expired" });
    expect(await dueOf("end-exp")).toEqual(["end-exp-live"]);
    // monitor_expired recorded (the scan's expiry side): still not due, and the scan wakes only the live one.
    const scan = await call("POST", `${CP}/due-scan`, {});
    expect(scan.json.expired).toContain("end-exp-past");
    const woken = (scan.json.results as { workflowId: string }[]).map((r) => r.workflowId);
    expect(woken).toContain("wf-end-exp-live");
    expect(woken).not.toContain("wf-end-exp-past");
    expect(await dueOf("end-exp")).not.toContain("end-exp-past");
  });

  it("a once monitor whose version in force matched reads disabled and is not due; an update re-arms it", async () => {
    const once = { fire: { mode: "edge", once: true } };
    expect((await call("PUT", "/v1/monitors/end-once", body("end-once", "end-once", once))).status).toBe(201);
    await recordMatch("end-once", "end-once", 1);
    const read = await get("end-once");
    // Still its registered definition and version: the match that stopped it is not superseded.
    expect(read).toMatchObject({ status: "disabled", enabled: true, version: 1, state: { matchCount: 1 } });
    expect(await listed("end-once", "disabled")).toEqual(["end-once"]);
    expect(await listed("end-once", "active")).toEqual([]);
    expect(await dueOf("end-once")).toEqual([]);

    // An identical re-PUT changes nothing; a changed one is a new version, which the old match does not stop.
    expect((await call("PUT", "/v1/monitors/end-once", body("end-once", "end-once", once))).json).toMatchObject({
      version: 1,
    });
    expect(await get("end-once")).toMatchObject({ status: "disabled" });
    const rearmed = await call(
      "PUT",
      "/v1/monitors/end-once",
      body("end-once", "end-once", { ...once, checkIntervalMs: 120_000 }),
    );
    expect(rearmed.json).toMatchObject({ version: 2 });
    expect(await get("end-once")).toMatchObject({ status: "active", version: 2 });
    expect(await listed("end-once", "active")).toEqual(["end-once"]);
    expect(await dueOf("end-once")).toEqual(["end-once"]);
  });

  it("a monitor without once stays active after its matches", async () => {
    expect((await call("PUT", "/v1/monitors/end-edge", body("end-edge", "end-edge"))).status).toBe(201);
    await recordMatch("end-edge", "end-edge", 1);
    expect(await get("end-edge")).toMatchObject({ status: "active", state: { matchCount: 1 } });
    expect(await listed("end-edge", "active")).toEqual(["end-edge"]);
    expect(await dueOf("end-edge")).toEqual(["end-edge"]);
  });
});
