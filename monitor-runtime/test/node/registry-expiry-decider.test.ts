import { describe, expect, it } from "vitest";
import { type MonitorBody, MonitorBodySchema } from "../../../shared/src/monitor";
import {
  decide,
  definitionOf,
  evolve,
  execute,
  initialState,
  type RegistryEventDraft,
} from "../../src/registry/decider";

const EXPIRES = Date.UTC(2026, 11, 1);
const body = (expiresAt?: number): MonitorBody =>
  MonitorBodySchema.parse({
    workflowId: "wf_1",
    ownerUserId: "u_1",
    predicate: { stream: { kind: "market_price", subject: { symbol: "BTC-USD" } }, field: "price", op: "gt", value: 1 },
    fire: { mode: "edge" },
    ...(expiresAt === undefined ? {} : { expiresAt }),
  });
const defined = (version: number, b: MonitorBody): RegistryEventDraft => ({
  type: version === 1 ? "monitor_registered" : "monitor_updated",
  schemaVersion: 1,
  aggregateType: "monitor",
  aggregateId: "m1",
  aggregateVersion: version,
  data: definitionOf("m1", version, b),
});
const expired = (version: number, expiresAt = EXPIRES): RegistryEventDraft => ({
  type: "monitor_expired",
  schemaVersion: 1,
  aggregateType: "monitor",
  aggregateId: "m1",
  aggregateVersion: version,
  data: { monitorId: "m1", version, expiresAt },
});
const stateAfter = (...events: RegistryEventDraft[]) => events.reduce(evolve, initialState());
const expire = (now: number) => ({ type: "expire" as const, monitorId: "m1", now });

describe("registry decider: expiry", () => {
  it("records monitor_expired for the live version once wall-clock reaches expiresAt", () => {
    const state = stateAfter(defined(1, body(EXPIRES)));
    expect(decide(expire(EXPIRES - 1), state)).toEqual([]);
    expect(decide(expire(EXPIRES), state)).toEqual([expired(1)]);
  });

  it("records it once per version: a second scan after the first is a no-op", () => {
    const state = stateAfter(defined(1, body(EXPIRES)), expired(1));
    expect(state.expiredVersion).toBe(1);
    expect(decide(expire(EXPIRES + 60_000), state)).toEqual([]);
  });

  it("an update with a later expiresAt revives the monitor at a new version, which expires on its own", () => {
    const later = EXPIRES + 3_600_000;
    const outcome = execute(
      { type: "register_or_update", monitorId: "m1", body: body(later) },
      stateAfter(defined(1, body(EXPIRES)), expired(1)),
    );
    if (!outcome.ok) throw new Error("the update was refused");
    expect(outcome.state.version).toBe(2);
    expect(outcome.state.expiredVersion).toBeUndefined();
    expect(decide(expire(EXPIRES + 60_000), outcome.state)).toEqual([]);
    expect(decide(expire(later), outcome.state)).toEqual([expired(2, later)]);
  });

  it("never expires a monitor without expiresAt, a removed one, or an absent one", () => {
    expect(decide(expire(EXPIRES * 2), stateAfter(defined(1, body())))).toEqual([]);
    const removed: RegistryEventDraft = {
      type: "monitor_removed",
      schemaVersion: 1,
      aggregateType: "monitor",
      aggregateId: "m1",
      aggregateVersion: 2,
      data: { monitorId: "m1" },
    };
    expect(decide(expire(EXPIRES * 2), stateAfter(defined(1, body(EXPIRES)), removed))).toEqual([]);
    expect(decide(expire(EXPIRES * 2), initialState())).toEqual([]);
  });

  it("an expiry of an older version does not mark the live one", () => {
    const state = stateAfter(defined(1, body(EXPIRES)), defined(2, body(EXPIRES + 1)), expired(1));
    expect(state.expiredVersion).toBeUndefined();
    expect(decide(expire(EXPIRES + 1), state)).toEqual([expired(2, EXPIRES + 1)]);
  });
});
