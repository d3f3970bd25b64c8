import { describe, expect, it } from "vitest";
import { type MonitorBody, MonitorBodySchema } from "../../../shared/src/monitor";
import { PROBLEM_STATUS } from "../../../shared/src/problem";
import {
  decide,
  definitionOf,
  evolve,
  execute,
  initialState,
  type RegistryCommand,
  type RegistryEventDraft,
  type RegistryState,
} from "../../src/registry/decider";

const body = (price = 100_000, extra: Partial<MonitorBody> = {}): MonitorBody =>
  MonitorBodySchema.parse({
    workflowId: "wf_1",
    ownerUserId: "u_1",
    linkedPortfolioIds: ["pf_1"],
    predicate: {
      stream: { kind: "market_price", subject: { symbol: "BTC-USD" } },
      field: "price",
      op: "crosses_above",
      value: price,
    },
    fire: { mode: "edge" },
    ...extra,
  });

const registered = (version: number, b = body()): RegistryEventDraft => ({
  type: version === 1 ? "monitor_registered" : "monitor_updated",
  schemaVersion: 1,
  aggregateType: "monitor",
  aggregateId: "m1",
  aggregateVersion: version,
  data: definitionOf("m1", version, b),
});
const removed = (version: number): RegistryEventDraft => ({
  type: "monitor_removed",
  schemaVersion: 1,
  aggregateType: "monitor",
  aggregateId: "m1",
  aggregateVersion: version,
  data: { monitorId: "m1" },
});

/** given(events) / when(command) / thenEmits(events) | thenFails(error) */
function given(...events: RegistryEventDraft[]) {
  const state: RegistryState = events.reduce(evolve, initialState());
  return {
    when: (command: RegistryCommand) => ({
      thenEmits: (expected: RegistryEventDraft[]) => expect(decide(command, state)).toEqual(expected),
      thenFails: (code: string, status: number) => {
        const result = decide(command, state);
        expect(result).toMatchObject({ code });
        expect(PROBLEM_STATUS[(result as { code: keyof typeof PROBLEM_STATUS }).code]).toBe(status);
      },
      outcome: () => execute(command, state),
    }),
  };
}

const put = (b: MonitorBody, expectedVersion?: number): RegistryCommand => ({
  type: "register_or_update",
  monitorId: "m1",
  body: b,
  ...(expectedVersion === undefined ? {} : { expectedVersion }),
});

describe("monitor registry decider", () => {
  it("registers an unknown monitor at version 1", () => {
    given()
      .when(put(body()))
      .thenEmits([registered(1)]);
    expect(given().when(put(body())).outcome()).toMatchObject({ ok: true, version: 1, created: true });
  });

  it("updates an active monitor to the next version", () => {
    given(registered(1))
      .when(put(body(90_000)))
      .thenEmits([registered(2, body(90_000))]);
    expect(
      given(registered(1))
        .when(put(body(90_000)))
        .outcome(),
    ).toMatchObject({ version: 2, created: false });
  });

  it("accepts an update whose expectedVersion is the current version", () => {
    given(registered(1), registered(2))
      .when(put(body(1), 2))
      .thenEmits([registered(3, body(1))]);
  });

  it("rejects a stale expectedVersion with precondition_failed (412)", () => {
    given(registered(1), registered(2, body(2)))
      .when(put(body(3), 1))
      .thenFails("precondition_failed", 412);
  });

  it("says in a 412 which version is live and how to go on", () => {
    const moved = decide(put(body(3), 1), [registered(1), registered(2, body(2))].reduce(evolve, initialState()));
    expect(moved).toMatchObject({ currentVersion: 2 });
    expect((moved as { detail: string }).detail).toMatch(
      /m1 is at version 2, not 1: it changed after you read it; read it again \(GET \/v1\/monitors\/m1\).*expectedVersion 2/,
    );
    const gone = decide(put(body(3), 2), [registered(1), removed(2)].reduce(evolve, initialState()));
    expect(gone).toMatchObject({ currentVersion: 0 });
    expect((gone as { detail: string }).detail).toMatch(/m1 does not exist .*expectedVersion 0 creates it/);
  });

  it("reads expectedVersion from the body when the command has none", () => {
    given(registered(1))
      .when(put(body(5, { expectedVersion: 7 })))
      .thenFails("precondition_failed", 412);
  });

  it("treats expectedVersion 0 as create-only", () => {
    given()
      .when(put(body(), 0))
      .thenEmits([registered(1)]);
    given(registered(1))
      .when(put(body(2), 0))
      .thenFails("precondition_failed", 412);
  });

  it("returns no events and the current version for an identical re-PUT", () => {
    given(registered(1), registered(2, body(7)))
      .when(put(body(7)))
      .thenEmits([]);
    expect(
      given(registered(1), registered(2, body(7)))
        .when(put(body(7)))
        .outcome(),
    ).toMatchObject({
      ok: true,
      version: 2,
      created: false,
    });
  });

  it("treats a re-PUT that only reorders keys as identical", () => {
    const b = body();
    const reordered = Object.fromEntries(Object.entries(b).reverse()) as MonitorBody;
    given(registered(1, b)).when(put(reordered)).thenEmits([]);
  });

  it("deletes an active monitor with a new version", () => {
    given(registered(1))
      .when({ type: "remove", monitorId: "m1" })
      .thenEmits([removed(2)]);
  });

  it("rejects the delete of an unknown monitor with not_found (404)", () => {
    given().when({ type: "remove", monitorId: "m1" }).thenFails("not_found", 404);
  });

  it("treats a repeated delete as a no-op", () => {
    given(registered(1), removed(2)).when({ type: "remove", monitorId: "m1" }).thenEmits([]);
  });

  it("re-registers a removed monitor past the removal's version, so matchIds never repeat", () => {
    given(registered(1), removed(2))
      .when(put(body()))
      .thenEmits([
        { ...(registered(3) as RegistryEventDraft & { type: "monitor_updated" }), type: "monitor_registered" },
      ]);
  });

  it("ignores redelivered or older events when evolving", () => {
    const state = [registered(1), registered(2, body(2)), registered(1)].reduce(evolve, initialState());
    expect(state).toMatchObject({ status: "active", version: 2, definition: { version: 2 } });
  });
});
