/**
 * Queue lag as the consumers see it: now minus the oldest message timestamp of the batch.
 *
 * @example await recordLag(env.DB, "facts", batch.messages);
 */
export function lagOf(messages: readonly { timestamp: Date }[], now = Date.now()): number {
  let oldest = now;
  for (const m of messages) oldest = Math.min(oldest, m.timestamp.getTime());
  return Math.max(0, now - oldest);
}

export function lagStatement(
  db: D1Database,
  queue: string,
  messages: readonly { timestamp: Date }[],
): D1PreparedStatement {
  const now = Date.now();
  return db
    .prepare(
      "INSERT INTO consumer_lag (queue, lag_ms, batch_size, at) VALUES (?, ?, ?, ?) ON CONFLICT (queue) DO UPDATE SET lag_ms = excluded.lag_ms, batch_size = excluded.batch_size, at = excluded.at",
    )
    .bind(queue, lagOf(messages, now), messages.length, now);
}
