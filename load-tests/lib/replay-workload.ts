import type { DomainEvent } from "../../shared/src/events";
import { matchIdOf } from "../../shared/src/ids";
import { rng } from "./rng";

/** bench:replay's monitors, and the event time its log starts at. */
export const MONITORS = 10_000;
export const T0 = 1_790_000_000_000;

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/** A valid, sortable ULID from a time and a counter (ulid's own draws crypto randomness per id: too slow for 1M). */
function ulidAt(time: number, n: number): string {
  let s = "";
  let t = time;
  for (let i = 0; i < 10; i++, t = Math.floor(t / 32)) s = CROCKFORD[t % 32] + s;
  let c = n;
  let tail = "";
  for (let i = 0; i < 16; i++, c = Math.floor(c / 32)) tail = CROCKFORD[c % 32] + tail;
  return s + tail;
}

const monitorDef = (i: number, v: number) => ({
  workflowId: `wf_${i}`,
  ownerUserId: `u_${i % 2000}`,
  linkedPortfolioIds: [`pf_${i % 3000}`],
  predicate: {
    stream: { kind: "market_price" as const, subject: { symbol: `SYM-${i % 1000}` } },
    field: "price",
    op: "crosses_above" as const,
    value: 100 + (i % 97) + v,
  },
  fire: { mode: "edge" as const, cooldownMs: 0, once: false },
  enabled: true,
  ...(i % 4 === 0 ? { checkIntervalMs: 300_000 } : {}),
  monitorId: `m${i}`,
  version: v,
});

/**
 * bench:replay's event log, seeded (the same events every run): 10k registrations, then ~62 %
 * matches, ~34 % ticks, execution refs, completions and updates.
 *
 * @example for (const e of replayWorkload(1_000_000)) append(e);
 */
export function* replayWorkload(total: number): Generator<DomainEvent> {
  const random = rng(42);
  const version = new Array<number>(MONITORS).fill(1);
  const refs: string[] = [];
  let clock = T0;
  for (let n = 0; n < total; n++) {
    clock += 1 + Math.floor(random() * 3);
    const eventId = ulidAt(clock, n);
    const i = n < MONITORS ? n : Math.floor(random() * MONITORS);
    const m = `m${i}`;
    const wf = `wf_${i}`;
    const r = random();
    if (n < MONITORS || r < 0.005) {
      const v = n < MONITORS ? 1 : (version[i] ?? 1) + 1;
      version[i] = v;
      yield {
        eventId,
        type: n < MONITORS ? "monitor_registered" : "monitor_updated",
        schemaVersion: 1,
        aggregateType: "monitor",
        aggregateId: m,
        aggregateVersion: v,
        occurredAt: clock,
        data: monitorDef(i, v),
      } as DomainEvent;
    } else if (r < 0.625) {
      const causeId = ulidAt(clock - 5, n + 2 ** 40);
      const v = version[i] ?? 1;
      yield {
        eventId,
        type: "trigger_matched",
        schemaVersion: 2,
        aggregateType: "monitor",
        aggregateId: m,
        aggregateVersion: v,
        occurredAt: clock,
        data: {
          matchId: matchIdOf(m, v, causeId),
          monitorId: m,
          monitorVersion: v,
          eventId: causeId,
          observedAt: clock - 5,
          streamKey: `market_price:SYM-${i % 1000}`,
          workflowId: wf,
          ownerUserId: `u_${i % 2000}`,
          portfolioId: `pf_${i % 3000}`,
          triggerEvent: {
            kind: "market_price",
            subject: { symbol: `SYM-${i % 1000}` },
            observedAt: clock - 5,
            data: { price: 100 + random() * 10 },
            eventId: causeId,
          },
        },
      };
    } else if (r < 0.965) {
      const withRef = random() < 0.1;
      const op = `op_${n}`;
      if (withRef) refs.push(`operationId:${op}`);
      yield {
        eventId,
        type: "tick_executed",
        schemaVersion: 1,
        aggregateType: "workflow",
        aggregateId: wf,
        aggregateVersion: n,
        occurredAt: clock,
        data: {
          workflowId: wf,
          monitorId: m,
          reason: random() < 0.7 ? "trigger_match" : "schedule",
          tickId: `tick_${n}`,
          tickedAt: clock,
          nextDueAt: clock + 300_000,
          ...(withRef ? { executionRefs: [{ operationId: op, runId: `run_${n}` }] } : {}),
        },
      };
    } else if (r < 0.985 || refs.length === 0) {
      const op = `op_${n}`;
      refs.push(`operationId:${op}`);
      yield {
        eventId,
        type: "execution_ref_recorded",
        schemaVersion: 1,
        aggregateType: "workflow",
        aggregateId: wf,
        aggregateVersion: n,
        occurredAt: clock,
        data: { workflowId: wf, portfolioId: `pf_${i % 3000}`, operationId: op, executionRequestId: `req_${n}` },
      };
    } else {
      const refKey = refs[Math.floor(random() * refs.length)] ?? "operationId:none";
      yield {
        eventId,
        type: "execution_completed",
        schemaVersion: 1,
        aggregateType: "workflow",
        aggregateId: wf,
        aggregateVersion: n,
        occurredAt: clock,
        data: { workflowId: wf, refKey, status: random() < 0.9 ? "succeeded" : "failed" },
      };
    }
  }
}

/** The projection tables a rebuild fills, and the rows each event adds to them. */
export const TABLES = ["monitors", "monitor_state", "trigger_matches", "workflow_execution_refs"] as const;
export type RowCounts = Record<(typeof TABLES)[number], number>;

/** Adds the rows `e` must produce in a rebuild to `counts` (tallied while the log is written). */
export function tallyRows(counts: RowCounts, e: DomainEvent): void {
  if (e.type === "monitor_registered") {
    counts.monitors++;
    counts.monitor_state++;
  } else if (e.type === "trigger_matched") counts.trigger_matches++;
  else if (e.type === "tick_executed") counts.workflow_execution_refs += 2 * (e.data.executionRefs?.length ?? 0);
  else if (e.type === "execution_ref_recorded") counts.workflow_execution_refs += 2;
}
