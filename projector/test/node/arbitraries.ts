import fc from "fast-check";
import { type DomainEvent, parseDomainEvent } from "../../../shared/src/events";
import { matchIdOf } from "../../../shared/src/ids";

/** Small pools, so events collide on monitors, matchIds, ticks and execution ids. */
const MONITORS = ["m0", "m1", "m2", "m3"];
const WORKFLOWS = ["wf0", "wf1", "wf2"];
const T0 = Date.UTC(2026, 10, 22);
const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** A valid ULID from a number (distinct numbers, distinct ids; sortable). */
export function ulidOf(n: number): string {
  let s = "";
  let x = n;
  for (let i = 0; i < 10; i++) {
    s = (CROCKFORD[x % 32] ?? "0") + s;
    x = Math.floor(x / 32);
  }
  return `01JD0000000000${s.slice(-12).padStart(12, "0")}`;
}

const definition = (monitorId: string, version: number, workflowId: string, interval: boolean) => ({
  monitorId,
  version,
  workflowId,
  ownerUserId: "u_1",
  linkedPortfolioIds: ["pf_1"],
  // Versions read different streams, some through an operand, so monitor_streams rows change.
  predicate: {
    stream: {
      kind: "market_price" as const,
      subject: { symbol: ["BTC-USD", "ETH-USD", "SOL-USD"][version % 3] ?? "" },
    },
    field: "price",
    op: "gt" as const,
    value:
      version % 4 === 1
        ? { stream: { kind: "market_price" as const, subject: { symbol: "EUR/USD" } }, field: "price", times: version }
        : version * 1000,
  },
  fire: { mode: "edge" as const, cooldownMs: 0, once: false },
  enabled: version % 3 !== 0,
  ...(interval ? { checkIntervalMs: 60_000 } : {}),
  ...(version % 2 === 0 ? { expiresAt: T0 + version * 1000 } : {}),
});

const monitorId = fc.constantFrom(...MONITORS);
const workflowId = fc.constantFrom(...WORKFLOWS);
const time = fc.integer({ min: 0, max: 20 }).map((s) => T0 + s * 1000);
const maybeId = (prefix: string) =>
  fc.option(
    fc.integer({ min: 0, max: 3 }).map((n) => `${prefix}${n}`),
    { nil: undefined },
  );
const ids = fc
  .record({
    operationId: maybeId("op"),
    runId: maybeId("run"),
    executionRequestId: maybeId("req"),
    eventId: maybeId("ev"),
  })
  .map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as Record<string, string>)
  .filter((r) => Object.keys(r).length > 0);

type Draft = Omit<DomainEvent, "eventId">;

const draft = fc.oneof(
  {
    weight: 2,
    arbitrary: fc
      .record({
        m: monitorId,
        v: fc.integer({ min: 1, max: 6 }),
        wf: workflowId,
        at: time,
        interval: fc.boolean(),
        kind: fc.integer({ min: 0, max: 2 }),
      })
      .map(({ m, v, wf, at, interval, kind }): Draft => {
        const base = {
          schemaVersion: 1 as const,
          aggregateType: "monitor" as const,
          aggregateId: m,
          aggregateVersion: v,
          occurredAt: at,
        };
        if (kind === 2) return { ...base, type: "monitor_removed", data: { monitorId: m } };
        return {
          ...base,
          type: kind === 0 ? "monitor_registered" : "monitor_updated",
          data: definition(m, v, wf, interval),
        };
      }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ m: monitorId, v: fc.integer({ min: 1, max: 6 }), at: time }).map(
      ({ m, v, at }): Draft => ({
        type: "monitor_expired",
        schemaVersion: 1,
        aggregateType: "monitor",
        aggregateId: m,
        aggregateVersion: v,
        occurredAt: at + 7,
        data: { monitorId: m, version: v, expiresAt: at },
      }),
    ),
  },
  {
    weight: 4,
    arbitrary: fc
      .record({
        m: monitorId,
        v: fc.integer({ min: 1, max: 2 }),
        cause: fc.integer({ min: 0, max: 5 }),
        at: time,
        wf: workflowId,
        pf: fc.option(fc.constant("pf_1"), { nil: null }),
      })
      .map(({ m, v, cause, at, wf, pf }): Draft => {
        const causeId = ulidOf(1_000_000 + cause);
        return {
          type: "trigger_matched",
          schemaVersion: 2,
          aggregateType: "monitor",
          aggregateId: m,
          aggregateVersion: v,
          occurredAt: at + 5,
          data: {
            matchId: matchIdOf(m, v, causeId),
            monitorId: m,
            monitorVersion: v,
            eventId: causeId,
            observedAt: at,
            streamKey: "market_price:BTC-USD",
            workflowId: wf,
            ownerUserId: "u_1",
            portfolioId: pf,
            triggerEvent: { kind: "market_price", subject: { symbol: "BTC-USD" }, observedAt: at, data: { price: 1 } },
          },
        };
      }),
  },
  {
    weight: 3,
    arbitrary: fc
      .record({
        wf: workflowId,
        m: fc.option(monitorId, { nil: undefined }),
        tick: fc.integer({ min: 0, max: 5 }),
        at: time,
        next: fc.option(time, { nil: null }),
        refs: fc.option(fc.array(ids, { maxLength: 2 }), { nil: undefined }),
        // A coalesced wake's matches: of this and other monitors (served ticks), one not of matchIdOf form.
        served: fc.option(fc.uniqueArray(fc.constantFrom(...MONITORS, "outside"), { minLength: 1, maxLength: 3 }), {
          nil: undefined,
        }),
      })
      .map(
        ({ wf, m, tick, at, next, refs, served }): Draft => ({
          type: "tick_executed",
          schemaVersion: 1,
          aggregateType: "workflow",
          aggregateId: wf,
          aggregateVersion: tick,
          occurredAt: at,
          data: {
            workflowId: wf,
            ...(m === undefined ? {} : { monitorId: m }),
            reason: tick % 2 === 0 ? "schedule" : "trigger_match",
            tickId: `t${tick}`,
            tickedAt: at,
            nextDueAt: next,
            ...(refs === undefined ? {} : { executionRefs: refs }),
            ...(served === undefined
              ? {}
              : { matchIds: served.map((x) => (x === "outside" ? "outside-id" : matchIdOf(x, 1, ulidOf(tick + 1)))) }),
          },
        }),
      ),
  },
  {
    weight: 2,
    arbitrary: fc.record({ wf: workflowId, i: ids, at: time, pf: fc.option(fc.constant("pf_2"), { nil: null }) }).map(
      ({ wf, i, at, pf }): Draft => ({
        type: "execution_ref_recorded",
        schemaVersion: 1,
        aggregateType: "workflow",
        aggregateId: wf,
        aggregateVersion: 0,
        occurredAt: at,
        data: { workflowId: wf, portfolioId: pf, ...i },
      }),
    ),
  },
  {
    weight: 2,
    arbitrary: fc.record({ wf: workflowId, i: ids, at: time, ok: fc.boolean() }).map(
      ({ wf, i, at, ok }): Draft => ({
        type: "execution_completed",
        schemaVersion: 1,
        aggregateType: "workflow",
        aggregateId: wf,
        aggregateVersion: 0,
        occurredAt: at,
        data: {
          workflowId: wf,
          refKey: Object.entries(i).map(([k, v]) => `${k}:${v}`)[0] ?? "runId:x",
          status: ok ? "succeeded" : "failed",
        },
      }),
    ),
  },
);

/** Distinct events (each its own eventId), in emission order. */
export const eventsArb = (max = 40, min = 1) =>
  fc
    .array(draft, { minLength: min, maxLength: max })
    // Through the schema, as the projector Worker receives them (zod fixes key order and defaults).
    .map((ds) => ds.map((d, i) => parseDomainEvent({ ...d, eventId: ulidOf(i) })));

/**
 * How a queue delivers them: batches that repeat earlier events (redelivery), sometimes carry a
 * conflicting copy under a known eventId, and sometimes fail part-way (rolled back, redelivered).
 */
export type Delivery = { batch: DomainEvent[]; failAfter?: number };

export function deliveriesArb(events: DomainEvent[]): fc.Arbitrary<Delivery[]> {
  const n = events.length;
  return fc
    .array(
      fc.record({
        size: fc.integer({ min: 1, max: 8 }),
        repeats: fc.array(fc.integer({ min: 0, max: n - 1 }), { maxLength: 3 }),
        conflict: fc.boolean(),
        fail: fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined, freq: 4 }),
      }),
      { minLength: 1, maxLength: n },
    )
    .map((plans) => {
      const out: Delivery[] = [];
      let next = 0;
      for (const p of plans) {
        if (next >= n) break;
        const fresh = events.slice(next, next + p.size);
        next += fresh.length;
        const repeats = p.repeats.filter((i) => i < next).map((i) => events[i] as DomainEvent);
        const batch = [...repeats, ...fresh];
        if (p.conflict && repeats[0]) batch.push({ ...repeats[0], occurredAt: repeats[0].occurredAt + 1 });
        if (p.fail !== undefined) out.push({ batch, failAfter: p.fail });
        out.push({ batch });
      }
      if (next < n) out.push({ batch: events.slice(next) });
      return out;
    });
}
