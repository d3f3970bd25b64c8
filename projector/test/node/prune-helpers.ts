import fc from "fast-check";
import type { DomainEvent } from "../../../shared/src/events";
import { applyEvents } from "../../../shared/src/projections/apply";
import type { SqliteExecutor } from "../../../shared/src/projections/sqlite-executor";
import { type Delivery, deliveriesArb } from "./arbitraries";
import { dump } from "./helpers";

/** What the history-retention tests share: deliver a queue's batches, count rows, and what a rebuild recreates. */

/** Each batch as the projector gets it, a batch that fails part-way rolled back (and redelivered later in the list). */
export async function deliver(db: SqliteExecutor, deliveries: Delivery[]): Promise<void> {
  for (const d of deliveries) {
    db.failAfter = d.failAfter;
    await applyEvents(db, d.batch, undefined, 0).catch(() => undefined);
  }
}

/** The `n` a `SELECT COUNT(*) AS n …` returns. */
export const count = (db: SqliteExecutor, sql: string, ...params: (string | number)[]) =>
  Number((db.db.prepare(sql).get(...params) as { n: number }).n);

/** The projections a rebuild recreates (its checkpoints say where it read up to, not what it read). */
export const projections = (db: SqliteExecutor) => {
  const { projection_checkpoints: _, ...tables } = dump(db);
  return tables;
};

/** A log, how a queue delivers it, where to cut (a percentile of its event times) and a chunk size. */
export const pruneScenario = (events: fc.Arbitrary<DomainEvent[]>) =>
  fc
    .tuple(events, fc.integer({ min: 0, max: 100 }), fc.integer({ min: 1, max: 4 }))
    .chain(([log, cutPct, chunk]) =>
      deliveriesArb(log).map((deliveries) => ({ events: log, deliveries, cutPct, chunk })),
    );

/** The event time at `pct` percent of the log's sorted event times: the prune's cut. */
export function cutAt(events: readonly DomainEvent[], pct: number): number {
  const times = events.map((e) => e.occurredAt).sort((a, b) => a - b);
  return times[Math.floor(((times.length - 1) * pct) / 100)] ?? 0;
}
