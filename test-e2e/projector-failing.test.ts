import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { call, eventually } from "./helpers";

/**
 * A projector that fails every batch shows as failing in GET /v1/admin/stats (`projector`), with
 * the error's first line and the attempt, and stops showing so once a batch succeeds. The failure is
 * real: a trigger makes D1 refuse this test's event in event_log, as a broken table would.
 */
const db = () => (env as unknown as { DB: D1Database }).DB;
const EVENT_ID = "01JPRJFA100000000000000001";
const TRIGGER = "test_projector_refuses";

type Projector = {
  failingSince: number | null;
  failedBatches: number;
  lastFailure: { at: number; error: string; attempts: number; hint: string } | null;
};
const projector = async () => (await call("GET", "/v1/admin/stats")).json.projector as Projector;
const logged = async () =>
  (await db().prepare("SELECT COUNT(*) AS n FROM event_log WHERE event_id = ?").bind(EVENT_ID).first<{ n: number }>())
    ?.n ?? 0;

afterEach(async () => {
  await db().exec(`DROP TRIGGER IF EXISTS ${TRIGGER}`);
});

describe("GET /v1/admin/stats: a projector failing its batches", () => {
  it("reports when the failing began, the error's first line and the attempt, and clears it once a batch succeeds", async () => {
    expect(await projector()).toMatchObject({ failingSince: null });
    await db().exec(
      `CREATE TRIGGER ${TRIGGER} BEFORE INSERT ON event_log WHEN NEW.event_id = '${EVENT_ID}' BEGIN SELECT RAISE(ABORT, 'event_log refuses this event (test)'); END`,
    );
    const event = {
      eventId: EVENT_ID,
      type: "execution_ref_recorded",
      schemaVersion: 1,
      aggregateType: "workflow",
      aggregateId: "wf-prj-fail",
      aggregateVersion: 0,
      occurredAt: 1_790_000_000_000,
      data: { workflowId: "wf-prj-fail", portfolioId: null, operationId: "op-prj-fail" },
    };
    // Onto Queue "events" the way an operator's replay sends a message: the projector consumes it.
    await db()
      .prepare(
        "INSERT INTO dead_letters (id, source_queue, reason, attempts, body, failed_at) VALUES ('msg-prj-fail', 'events', 'test', 1, ?, ?)",
      )
      .bind(JSON.stringify({ v: 1, events: [event] }), Date.now())
      .run();
    const sentAt = Date.now();
    expect((await call("POST", "/v1/admin/dead-letters/events/msg-prj-fail/replay")).status).toBe(202);

    const first = await eventually(projector, (p) => p.failingSince !== null, 20_000);
    expect(first.failingSince).toBeGreaterThanOrEqual(sentAt);
    expect(first.lastFailure?.error).toContain("event_log refuses this event (test)");
    expect(first.lastFailure?.error).not.toContain("\n");
    expect(first.lastFailure?.attempts).toBe(1);
    expect(first.lastFailure?.hint).toContain("projection_failed");

    // The queue retries the batch, which fails again: the failing began at the first failure.
    const second = await eventually(projector, (p) => (p.lastFailure?.attempts ?? 0) >= 2, 20_000);
    expect(second.lastFailure?.attempts).toBeGreaterThanOrEqual(2);
    expect(second.failedBatches).toBeGreaterThanOrEqual(first.failedBatches + 1);
    expect(second.failingSince).toBe(first.failingSince);
    expect(second.lastFailure?.at).toBeGreaterThan(first.lastFailure?.at ?? 0);
    expect(await logged()).toBe(0);

    // Fixed: the next retry succeeds, the event is projected and the projector no longer fails.
    await db().exec(`DROP TRIGGER ${TRIGGER}`);
    const healed = await eventually(projector, (p) => p.failingSince === null, 40_000);
    expect(healed.failingSince).toBeNull();
    expect(await logged()).toBe(1);
    expect(healed.lastFailure?.error).toContain("event_log refuses");
    expect(healed.lastFailure?.hint).toContain("a batch has succeeded since");
  });
});
