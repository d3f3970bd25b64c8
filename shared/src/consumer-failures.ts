/**
 * A queue consumer's failing batches in D1 (`consumer_failures`, migration 0014), written beside its
 * lag (consumer-lag.ts): a failed batch records when the failing began, the error's first line and
 * the attempt; the next batch that succeeds ends the failing. Read by GET /v1/admin/stats.
 *
 * @example await failureStatement(env.DB, "events", err, 3).run(); // in the consumer's catch
 */

/** The first line of an error, bounded: enough to say what failed, without a stack or a whole SQL dump. */
export function firstLine(err: unknown, max = 300): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return (text.split("\n")[0] ?? "").trim().slice(0, max);
}

export function failureStatement(
  db: D1Database,
  queue: string,
  err: unknown,
  attempts: number,
  now = Date.now(),
): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO consumer_failures (queue, failing_since, failed_batches, last_failure_at, last_error, last_attempts)
       VALUES (?1, ?2, 1, ?2, ?3, ?4)
       ON CONFLICT (queue) DO UPDATE SET failing_since = COALESCE(consumer_failures.failing_since, excluded.failing_since),
         failed_batches = consumer_failures.failed_batches + 1, last_failure_at = excluded.last_failure_at,
         last_error = excluded.last_error, last_attempts = excluded.last_attempts`,
    )
    .bind(queue, now, firstLine(err), attempts);
}

/** A batch succeeded: the queue is no longer failing (its last failure stays, as history). */
export function recoveredStatement(db: D1Database, queue: string): D1PreparedStatement {
  return db
    .prepare("UPDATE consumer_failures SET failing_since = NULL WHERE queue = ? AND failing_since IS NOT NULL")
    .bind(queue);
}
