import { applyEvents } from "../../../shared/src/projections/apply";
import type { SqliteExecutor } from "../../../shared/src/projections/sqlite-executor";
import type { Delivery } from "./arbitraries";
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
