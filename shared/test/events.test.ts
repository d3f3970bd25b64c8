import { describe, expect, it } from "vitest";
import {
  CURRENT_SCHEMA_VERSION,
  executionRefKey,
  parseDomainEvent,
  safeParseDomainEvent,
  stamp,
  type TriggerMatched,
  upcast,
} from "../src/events";
import { newId } from "../src/ids";

const now = Date.UTC(2026, 10, 22, 10);
const triggerEvent = {
  kind: "market_price",
  subject: { symbol: "BTC-USD" },
  observedAt: now,
  data: { price: 101_000 },
  eventId: "01JD0000000000000000000000",
};
const v1Match = {
  eventId: newId(now),
  type: "trigger_matched",
  schemaVersion: 1,
  aggregateType: "monitor",
  aggregateId: "m1",
  aggregateVersion: 3,
  occurredAt: now,
  data: {
    matchId: "m1~3~01JD0000000000000000000000",
    monitorId: "m1",
    monitorVersion: 3,
    eventId: "01JD0000000000000000000000",
    observedAt: now,
    streamKey: "market_price:BTC-USD",
    workflowId: "wf_1",
    ownerUserId: "u_1",
    triggerEvent,
  },
};

describe("domain events", () => {
  it("upcasts a v1 trigger_matched (no portfolioId) to v2 with portfolioId null", () => {
    const event = parseDomainEvent(v1Match) as TriggerMatched;
    expect(event.schemaVersion).toBe(2);
    expect(event.data.portfolioId).toBeNull();
    expect(event.data.matchId).toBe(v1Match.data.matchId);
  });

  it("reads a current v2 trigger_matched unchanged, keeping extra fields of the trigger event", () => {
    const v2 = { ...v1Match, schemaVersion: 2, data: { ...v1Match.data, portfolioId: "pf_1" } };
    const event = parseDomainEvent(v2) as TriggerMatched;
    expect(event).toEqual(v2);
    expect(event.data.triggerEvent.eventId).toBe("01JD0000000000000000000000");
  });

  it("rejects a v2 trigger_matched without portfolioId: only v1 may omit it", () => {
    expect(safeParseDomainEvent({ ...v1Match, schemaVersion: 2 }).success).toBe(false);
  });

  it("treats a missing schemaVersion as 1 and leaves current events alone", () => {
    const { schemaVersion: _v, ...unversioned } = v1Match;
    expect((upcast(unversioned) as { schemaVersion: number }).schemaVersion).toBe(2);
    const removed = {
      eventId: newId(now),
      type: "monitor_removed",
      schemaVersion: CURRENT_SCHEMA_VERSION.monitor_removed,
      aggregateType: "monitor",
      aggregateId: "m1",
      aggregateVersion: 4,
      occurredAt: now,
      data: { monitorId: "m1" },
    };
    expect(upcast(removed)).toBe(removed);
  });

  it("rejects unknown types, non-ULID event ids and wrong aggregate types", () => {
    expect(safeParseDomainEvent({ ...v1Match, type: "monitor_exploded" }).success).toBe(false);
    expect(safeParseDomainEvent({ ...v1Match, eventId: "not-a-ulid" }).success).toBe(false);
    expect(safeParseDomainEvent({ ...v1Match, aggregateType: "workflow" }).success).toBe(false);
  });

  it("requires at least one id on an execution ref", () => {
    const base = {
      eventId: newId(now),
      type: "execution_ref_recorded",
      schemaVersion: 1,
      aggregateType: "workflow",
      aggregateId: "wf_1",
      aggregateVersion: 0,
      occurredAt: now,
    };
    expect(safeParseDomainEvent({ ...base, data: { workflowId: "wf_1", portfolioId: null } }).success).toBe(false);
    expect(
      safeParseDomainEvent({ ...base, data: { workflowId: "wf_1", portfolioId: null, runId: "r1" } }).success,
    ).toBe(true);
  });

  it("validates monitor definitions with the registry's body schema (defaults applied)", () => {
    const registered = stamp(
      {
        type: "monitor_registered",
        schemaVersion: 1,
        aggregateType: "monitor",
        aggregateId: "m1",
        aggregateVersion: 1,
        data: {
          monitorId: "m1",
          version: 1,
          workflowId: "wf_1",
          ownerUserId: "u_1",
          linkedPortfolioIds: [],
          predicate: { stream: { kind: "market_price", subject: { symbol: "X" } }, field: "price", op: "gt", value: 1 },
          fire: { mode: "edge", cooldownMs: 0, once: false },
          enabled: true,
        },
      },
      { eventId: newId(now), occurredAt: now },
    );
    expect(parseDomainEvent(JSON.parse(JSON.stringify(registered)))).toEqual(registered);
    const bad = { ...registered, data: { ...registered.data, predicate: { all: [] } } };
    expect(safeParseDomainEvent(bad).success).toBe(false);
  });

  it("names an execution by its first present id", () => {
    expect(executionRefKey({ runId: "r1", eventId: "e1" })).toBe("runId:r1");
    expect(executionRefKey({ operationId: "o1", runId: "r1" })).toBe("operationId:o1");
    expect(() => executionRefKey({})).toThrow();
  });
});
