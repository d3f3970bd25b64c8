import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type DomainEvent, executionRefKey } from "../../../shared/src/events";
import { type Predicate, streamKeysOf } from "../../../shared/src/predicate";
import { applyEvents } from "../../../shared/src/projections/apply";
import { eventsArb } from "./arbitraries";
import { dump, freshDb } from "./helpers";

/**
 * Queue "events" may reorder. Within the rules the projections document (one body per matchId,
 * one definition and one expiry per monitor version, an expiry only of a recorded definition, ticks naming their monitor, one tick per (monitor, tickId), an
 * execution's ids not shared with another execution, a completion naming its execution by the
 * canonical refKey), any arrival order gives the same tables.
 */
function withinContract(events: DomainEvent[]): DomainEvent[] {
  const seen = new Set<string>();
  const claimed = new Map<string, string>();
  const canonical = new Set<string>();
  const kept = events.filter((e) => {
    let key: string;
    if (e.type === "trigger_matched") key = `match:${e.data.matchId}`;
    else if (e.type === "monitor_removed" || e.type === "monitor_registered" || e.type === "monitor_updated")
      key = `monitor:${e.aggregateId}:${e.aggregateVersion}`;
    else if (e.type === "monitor_expired") key = `expired:${e.aggregateId}:${e.aggregateVersion}`;
    else if (e.type === "tick_executed") {
      if (e.data.monitorId === undefined) return false;
      for (const r of e.data.executionRefs ?? []) {
        const { portfolioId: _p, ...ids } = r;
        const values = Object.entries(ids).map(([k, v]) => `${k}:${v}`);
        if (values.some((v) => claimed.has(v))) return false;
        for (const v of values) claimed.set(v, e.eventId);
        canonical.add(executionRefKey(ids));
      }
      // Ticks are ordered per monitor by (tickedAt, tickId): a tickId names one tick of a monitor.
      key = `tick:${e.data.monitorId}:${e.data.tickId}`;
    } else if (e.type === "execution_ref_recorded") {
      const { workflowId: _w, portfolioId: _p, ...ids } = e.data;
      const owner = e.eventId;
      const values = Object.entries(ids).map(([k, v]) => `${k}:${v}`);
      if (values.some((v) => claimed.has(v))) return false;
      for (const v of values) claimed.set(v, owner);
      canonical.add(executionRefKey(ids));
      key = e.eventId;
    } else key = e.eventId;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  // The registry records a monitor_expired for a definition it holds: its version is one of the
  // monitor's registered or updated versions (never a version only a removal reached).
  const defined = new Set(
    kept
      .filter((e) => e.type === "monitor_registered" || e.type === "monitor_updated")
      .map((e) => `${e.aggregateId}:${e.aggregateVersion}`),
  );
  return kept.filter(
    (e) =>
      (e.type !== "execution_completed" || canonical.has(e.data.refKey) || !claimed.has(e.data.refKey)) &&
      (e.type !== "monitor_expired" || defined.has(`${e.aggregateId}:${e.aggregateVersion}`)),
  );
}

type MonitorRow = {
  monitor_id: string;
  definition: string | null;
  definition_version: number;
  removed: number;
  enabled: number;
  expired_version: number;
};
type StateRow = { monitor_id: string; stopped: number };

/** monitor_state with `stopped` as the monitors row says: removed, disabled, undefined or expired. */
function withStoppedOf(states: StateRow[], monitors: MonitorRow[]) {
  const byId = new Map(monitors.map((m) => [m.monitor_id, m]));
  return states.map((row) => {
    const m = byId.get(row.monitor_id);
    const stopped = m ? m.removed === 1 || m.enabled === 0 || m.expired_version >= m.definition_version : false;
    return { ...row, stopped: stopped ? 1 : 0 };
  });
}

/** monitor_streams as it must be: each live definition's streams at its version, in dump order. */
function streamsOfDefinitions(monitors: MonitorRow[]) {
  return monitors
    .filter((m) => m.removed === 0 && m.definition !== null)
    .flatMap((m) =>
      streamKeysOf((JSON.parse(m.definition ?? "{}") as { predicate: Predicate }).predicate).map((key) => ({
        monitor_id: m.monitor_id,
        stream_key: key,
        definition_version: m.definition_version,
      })),
    )
    .sort((x, y) => binary(x.monitor_id, y.monitor_id) || binary(x.stream_key, y.stream_key));
}

/** SQLite's default (BINARY) collation, as ORDER BY sorts the dump. */
function binary(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

describe("projection order", () => {
  it("gives the same tables whatever order the queue delivers events in", async () => {
    const scenario = eventsArb(30)
      .map(withinContract)
      .chain((events) => fc.tuple(fc.constant(events), fc.shuffledSubarray(events, { minLength: events.length })));
    await fc.assert(
      fc.asyncProperty(scenario, async ([events, shuffled]) => {
        const inOrder = freshDb();
        const reordered = freshDb();
        for (const e of events) await applyEvents(inOrder, [e], undefined, 0);
        for (const e of shuffled) await applyEvents(reordered, [e], undefined, 0);
        const a = dump(inOrder);
        const b = dump(reordered);
        // Checkpoints count log positions, which follow arrival order by design.
        const { projection_checkpoints: _a, ...ra } = a;
        const { projection_checkpoints: _b, ...rb } = b;
        expect(rb).toEqual(ra);
        expect(a.monitor_streams).toEqual(streamsOfDefinitions(a.monitors as MonitorRow[]));
        expect(a.monitor_state).toEqual(withStoppedOf(a.monitor_state as StateRow[], a.monitors as MonitorRow[]));
      }),
      { numRuns: 200 },
    );
  });
});
