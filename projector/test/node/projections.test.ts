import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type DomainEvent, parseDomainEvent } from "../../../shared/src/events";
import { matchIdOf } from "../../../shared/src/ids";
import { applyEvents, applyStatements } from "../../../shared/src/projections/apply";
import { projectionDdl } from "../../../shared/src/projections/schema";
import { LIVE } from "../../../shared/src/projections/sql";
import { startRebuildStatement } from "../../src/rebuild/shadow";
import { catchUpAndSwap, createShadow, finishShadow, rebuildChunk, runRebuild } from "../../src/rebuild/steps";
import { ulidOf } from "./arbitraries";
import { dump, freshDb, MIGRATION } from "./helpers";

const T0 = Date.UTC(2026, 10, 22);
let n = 0;
const envelope = (
  type: string,
  aggregateType: string,
  aggregateId: string,
  aggregateVersion: number,
  data: object,
) => ({
  eventId: ulidOf(++n),
  type,
  schemaVersion: 1,
  aggregateType,
  aggregateId,
  aggregateVersion,
  occurredAt: T0 + n,
  data,
});

const registered = (m: string, v: number, workflowId = "wf1") =>
  parseDomainEvent(
    envelope(v === 1 ? "monitor_registered" : "monitor_updated", "monitor", m, v, {
      monitorId: m,
      version: v,
      workflowId,
      ownerUserId: "u1",
      linkedPortfolioIds: [],
      predicate: { stream: { kind: "market_price", subject: { symbol: "X" } }, field: "price", op: "gt", value: v },
      fire: {},
      checkIntervalMs: 60_000,
    }),
  );
const matched = (m: string, cause: number, observedAt: number, schemaVersion = 2) => {
  const causeId = ulidOf(9_000 + cause);
  const data = {
    matchId: matchIdOf(m, 1, causeId),
    monitorId: m,
    monitorVersion: 1,
    eventId: causeId,
    observedAt,
    streamKey: "market_price:X",
    workflowId: "wf1",
    ownerUserId: "u1",
    triggerEvent: { kind: "market_price", subject: { symbol: "X" }, observedAt, data: { price: 2 } },
    ...(schemaVersion === 2 ? { portfolioId: "pf1" } : {}),
  };
  return { ...envelope("trigger_matched", "monitor", m, 1, data), schemaVersion };
};
const tick = (tickId: string, tickedAt: number, monitorId?: string) =>
  parseDomainEvent(
    envelope("tick_executed", "workflow", "wf1", 1, {
      workflowId: "wf1",
      ...(monitorId ? { monitorId } : {}),
      reason: "schedule",
      tickId,
      tickedAt,
      nextDueAt: tickedAt + 60_000,
      executionRefs: [{ operationId: `op-${tickId}`, runId: `run-${tickId}` }],
    }),
  );
const recorded = (ids: object) =>
  parseDomainEvent(
    envelope("execution_ref_recorded", "workflow", "wf1", 0, { workflowId: "wf1", portfolioId: "pf1", ...ids }),
  );
const completed = (refKey: string) =>
  parseDomainEvent(
    envelope("execution_completed", "workflow", "wf1", 0, { workflowId: "wf1", refKey, status: "succeeded" }),
  );

const row = (db: ReturnType<typeof freshDb>, sql: string, ...params: (string | number)[]) =>
  db.db.prepare(sql).get(...params);
// ALTER TABLE … ADD COLUMN appends ", <column>" to the stored CREATE TABLE text.
const norm = (sql: string) =>
  sql
    .replace(/\s+/g, " ")
    .replace(/ \(/g, "(")
    .replace(/ ([,)])/g, "$1")
    .trim();

describe("projections", () => {
  it("creates the live tables exactly as the rebuild's DDL does", () => {
    const db = freshDb();
    const stored = db.db.prepare("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL").all() as { sql: string }[];
    const storedSet = new Set(stored.map((r) => norm(r.sql)));
    for (const ddl of projectionDdl(LIVE.names)) expect(storedSet).toContain(norm(ddl.sql));
    expect(readFileSync(MIGRATION, "utf8")).toContain("CREATE TABLE event_log");
  });

  it("applies a redelivered batch once: same tables, counts not doubled", async () => {
    const db = freshDb();
    const batch = [registered("m1", 1), parseDomainEvent(matched("m1", 1, T0)), tick("t1", T0 + 5, "m1")];
    await applyEvents(db, batch, LIVE, 0);
    const once = dump(db);
    await applyEvents(db, batch, LIVE, 0);
    await applyEvents(db, [...batch].reverse(), LIVE, 0);
    expect(dump(db)).toEqual(once);
    expect(row(db, "SELECT match_count, tick_count FROM monitor_state WHERE monitor_id = 'm1'")).toEqual({
      match_count: 1,
      tick_count: 1,
    });
  });

  it("leaves nothing behind when a batch fails part-way, and applies it once on redelivery", async () => {
    const db = freshDb();
    const batch = [registered("m1", 1), parseDomainEvent(matched("m1", 1, T0)), parseDomainEvent(matched("m1", 2, T0))];
    db.failAfter = applyStatements(batch).length - 2;
    await expect(applyEvents(db, batch)).rejects.toThrow(/injected/);
    expect(row(db, "SELECT COUNT(*) AS n FROM event_log")).toEqual({ n: 0 });
    await applyEvents(db, batch);
    expect(row(db, "SELECT match_count FROM monitor_state")).toEqual({ match_count: 2 });
  });

  it("counts a match re-emitted under a new eventId once", async () => {
    const db = freshDb();
    const first = matched("m1", 1, T0);
    await applyEvents(db, [parseDomainEvent(first), parseDomainEvent({ ...first, eventId: ulidOf(777) })]);
    expect(row(db, "SELECT match_count FROM monitor_state")).toEqual({ match_count: 1 });
    expect(row(db, "SELECT COUNT(*) AS n FROM trigger_matches")).toEqual({ n: 1 });
  });

  it("keeps the highest monitor version whatever the arrival order", async () => {
    const v1 = registered("m1", 1, "wf-old");
    const v2 = registered("m1", 2, "wf-new");
    const a = freshDb();
    const b = freshDb();
    await applyEvents(a, [v1]);
    await applyEvents(a, [v2]);
    await applyEvents(b, [v2]);
    await applyEvents(b, [v1]);
    expect(dump(a).monitors).toEqual(dump(b).monitors);
    expect(row(a, "SELECT version, workflow_id FROM monitors")).toEqual({ version: 2, workflow_id: "wf-new" });
  });

  it("takes lastMatchedAt and lastTickAt as the max by event time, tie-broken by id", async () => {
    const events = [matched("m1", 1, T0 + 50), matched("m1", 2, T0 + 10), matched("m1", 3, T0 + 50)].map((e) =>
      parseDomainEvent(e),
    );
    const ticks = [tick("t2", T0 + 9, "m1"), tick("t1", T0 + 9, "m1"), tick("t0", T0 + 3, "m1")];
    const a = freshDb();
    const b = freshDb();
    for (const e of [...events, ...ticks]) await applyEvents(a, [e]);
    for (const e of [...events, ...ticks].reverse()) await applyEvents(b, [e]);
    const state = dump(a).monitor_state ?? [];
    expect(dump(b).monitor_state).toEqual(state);
    const winner = (events[2] as DomainEvent & { data: { matchId: string } }).data.matchId;
    expect(state[0]).toMatchObject({ match_count: 3, last_match_id: winner, last_matched_at: T0 + 50 });
    expect(state[0]).toMatchObject({
      tick_count: 3,
      last_tick_id: "t2",
      last_tick_at: T0 + 9,
      next_due_at: T0 + 60_009,
    });
  });

  it("finds the workflow from any execution id, and records completion in either order", async () => {
    const ref = recorded({ operationId: "op1", runId: "run1", eventId: "ev1" });
    const done = completed("operationId:op1");
    const a = freshDb();
    const b = freshDb();
    await applyEvents(a, [ref]);
    await applyEvents(a, [done]);
    await applyEvents(b, [done]);
    await applyEvents(b, [ref]);
    expect(dump(b).workflow_execution_refs).toEqual(dump(a).workflow_execution_refs);
    for (const [kind, value] of [
      ["operationId", "op1"],
      ["runId", "run1"],
      ["eventId", "ev1"],
    ]) {
      expect(
        row(
          a,
          "SELECT workflow_id, portfolio_id, status FROM workflow_execution_refs WHERE ref_kind = ? AND ref_value = ?",
          kind ?? "",
          value ?? "",
        ),
      ).toEqual({ workflow_id: "wf1", portfolio_id: "pf1", status: "succeeded" });
    }
  });

  it("keeps an execution completed when a later record adds an id to it, live and after a rebuild", async () => {
    // What POST …/execution-refs {runId}, notify-execution {runId}, then
    // …/execution-refs {runId, operationId} record: the execution's new canonical row (operationId)
    // must say what its other rows say, or notify-execution by operationId finds it still pending.
    const db = freshDb();
    await applyEvents(db, [recorded({ runId: "run2" })]);
    await applyEvents(db, [completed("runId:run2")]);
    await applyEvents(db, [recorded({ runId: "run2", operationId: "op2" })]);
    const rows = () =>
      db.db
        .prepare("SELECT ref_kind, ref_key, status FROM workflow_execution_refs ORDER BY ref_kind")
        .all()
        .map((r) => ({ ...r }));
    const live = rows();
    expect(live).toEqual([
      { ref_kind: "operationId", ref_key: "operationId:op2", status: "succeeded" },
      { ref_kind: "runId", ref_key: "operationId:op2", status: "succeeded" },
    ]);
    await db.batch([startRebuildStatement("r-widen", ["all"], 0)]);
    await runRebuild(db, "r-widen");
    expect(rows()).toEqual(live);
  });

  it("records the execution refs a tick returns, and counts a tick without monitorId for its workflow's monitors", async () => {
    const db = freshDb();
    await applyEvents(db, [registered("m1", 1), registered("m2", 1), tick("t1", T0 + 1)]);
    expect(db.db.prepare("SELECT monitor_id, tick_count FROM monitor_state ORDER BY monitor_id").all()).toEqual([
      { monitor_id: "m1", tick_count: 1 },
      { monitor_id: "m2", tick_count: 1 },
    ]);
    expect(row(db, "SELECT workflow_id, ref_key FROM workflow_execution_refs WHERE ref_kind = 'runId'")).toEqual({
      workflow_id: "wf1",
      ref_key: "operationId:op-t1",
    });
  });

  it("upcasts a v1 trigger_matched found in event_log when rebuilding", async () => {
    const db = freshDb();
    const v1 = matched("m1", 1, T0, 1);
    db.db
      .prepare(
        "INSERT INTO event_log (event_id, type, aggregate_type, aggregate_id, aggregate_version, occurred_at, schema_version, body) VALUES (?, 'trigger_matched', 'monitor', 'm1', 1, ?, 1, ?)",
      )
      .run(v1.eventId, v1.occurredAt, JSON.stringify(v1));
    await db.batch([startRebuildStatement("r1", ["all"], 0)]);
    await runRebuild(db, "r1");
    expect(row(db, "SELECT match_id, portfolio_id FROM trigger_matches")).toEqual({
      match_id: (v1.data as { matchId: string }).matchId,
      portfolio_id: null,
    });
    expect(row(db, "SELECT match_count FROM monitor_state")).toEqual({ match_count: 1 });
  });

  it("makes the registration due at once when it has a check interval, until its first tick", async () => {
    const db = freshDb();
    const reg = registered("m1", 1);
    await applyEvents(db, [reg]);
    expect(row(db, "SELECT next_due_at FROM monitor_state")).toEqual({ next_due_at: reg.occurredAt });
  });
});

describe("rebuild steps", () => {
  it("treats a swap step retried after it committed as done", async () => {
    const db = freshDb();
    await applyEvents(db, [registered("m1", 1), parseDomainEvent(matched("m1", 1, T0))]);
    await db.batch([startRebuildStatement("r1", ["all"], 0)]);
    const done = await runRebuild(db, "r1");
    const before = dump(db);
    const again = await catchUpAndSwap(db, "r1", done, 1000);
    expect(again).toMatchObject({ done: true, attempts: 0, lastSeq: done.lastSeq, eventsApplied: 2 });
    expect(dump(db)).toEqual(before);
  });

  it("gives the same tables whether chunks run in bulk (derived counters) or in full", async () => {
    const events = [registered("m1", 1), ...[1, 2, 3].map((c) => parseDomainEvent(matched("m1", c, T0 + c)))];
    const bulk = freshDb();
    await applyEvents(bulk, events);
    const live = dump(bulk);
    await bulk.batch([startRebuildStatement("r1", ["all"], 0)]);
    await createShadow(bulk, "r1");
    let cursor = await rebuildChunk(bulk, "r1", { lastSeq: 0, eventsApplied: 0, done: false }, 2);
    cursor = await rebuildChunk(bulk, "r1", cursor, 2, { bulk: true });
    await finishShadow(bulk, "r1");
    await finishShadow(bulk, "r1");
    await catchUpAndSwap(bulk, "r1", cursor, 2);
    expect(dump(bulk)).toEqual(live);
  });
});
