import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, eventually } from "./helpers";

const db = () => (env as unknown as { DB: D1Database }).DB;
const logged = async (eventId: string) =>
  (await db().prepare("SELECT COUNT(*) AS n FROM event_log WHERE event_id = ?").bind(eventId).first<{ n: number }>())
    ?.n ?? 0;

describe("dead letters", () => {
  it("lists a dead-lettered events message with its reason, and replaying it (twice) applies it once", async () => {
    // A valid event message that ran out of retries during an outage, as the DLQ consumer records it.
    const event = {
      eventId: "01JDQQ00000000000000000001",
      type: "execution_ref_recorded",
      schemaVersion: 1,
      aggregateType: "workflow",
      aggregateId: "wf-dlq",
      aggregateVersion: 0,
      occurredAt: 1_790_000_000_000,
      data: { workflowId: "wf-dlq", portfolioId: null, operationId: "op-dlq" },
    };
    await db()
      .prepare(
        "INSERT INTO dead_letters (id, source_queue, reason, attempts, body, failed_at) VALUES (?, 'events', ?, 6, ?, ?)",
      )
      .bind("msg-dlq-1", "D1 unavailable after 5 retries", JSON.stringify({ v: 1, events: [event] }), Date.now())
      .run();

    const listed = await call("GET", "/v1/admin/dead-letters/events");
    expect(listed.status).toBe(200);
    const row = (listed.json.deadLetters as { id: string; reason: string }[]).find((d) => d.id === "msg-dlq-1");
    expect(row?.reason).toBe("D1 unavailable after 5 retries");

    const once = await call("POST", "/v1/admin/dead-letters/events/msg-dlq-1/replay");
    const twice = await call("POST", "/v1/admin/dead-letters/events/msg-dlq-1/replay");
    expect([once.status, once.json]).toEqual([202, { replayed: "msg-dlq-1", replayCount: 1 }]);
    expect([twice.status, twice.json]).toEqual([202, { replayed: "msg-dlq-1", replayCount: 2 }]);
    expect(
      await eventually(
        () => logged(event.eventId),
        (n) => n > 0,
      ),
    ).toBe(1);
    await new Promise((r) => setTimeout(r, 500));
    expect(await logged(event.eventId)).toBe(1);
    const refs = await db()
      .prepare("SELECT COUNT(*) AS n FROM workflow_execution_refs WHERE ref_value = 'op-dlq'")
      .first<{ n: number }>();
    expect(refs?.n).toBe(1);
    expect((await call("POST", "/v1/admin/dead-letters/events/nope/replay")).status).toBe(404);
  });
});
