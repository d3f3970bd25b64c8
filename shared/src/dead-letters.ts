/**
 * Dead letters in D1, shared by every queue consumer. A consumer that gives up on a message sends
 * `{ sourceQueue, messageId, attempts, reason, failedAt, body }` to its DLQ; a message the queue
 * itself dead-lettered (max_retries exceeded) arrives raw and is recorded with that reason.
 *
 * @example await recordDeadLetters(env.DB, "facts", batch.messages);
 */
export type DeadLetterEnvelope = {
  sourceQueue: string;
  messageId: string;
  attempts: number;
  reason: string;
  failedAt: number;
  /** The original body: bytes as a number array (msgpack), or the JSON value. */
  body: unknown;
};

export type DeadLetterRow = {
  id: string;
  source_queue: string;
  reason: string;
  attempts: number;
  body: string;
  failed_at: number;
  replayed_at: number | null;
  replay_count: number;
};

function isEnvelope(v: unknown): v is DeadLetterEnvelope {
  return typeof v === "object" && v !== null && "sourceQueue" in v && "reason" in v && "body" in v;
}

/**
 * Gives up on a message: sends it to its queue's DLQ with the reason (bytes as a number array, so
 * the envelope is JSON), logs one line, and acks it so it does not hold back the rest of its batch.
 *
 * @example await deadLetter(env.FACTS_DLQ, "facts", message, "message is not a v1 facts message");
 */
export async function deadLetter(
  dlq: Queue<unknown>,
  sourceQueue: string,
  message: Message<unknown>,
  reason: string,
): Promise<void> {
  const envelope: DeadLetterEnvelope = {
    sourceQueue,
    messageId: message.id,
    attempts: message.attempts,
    reason,
    failedAt: Date.now(),
    body: bodyForJson(message.body),
  };
  await dlq.send(envelope, { contentType: "json" });
  console.error(
    JSON.stringify({
      level: "error",
      msg: "dead-lettered",
      event: "dead_lettered",
      queue: sourceQueue,
      messageId: message.id,
      reason,
    }),
  );
  message.ack();
}

/** A queue body as JSON can carry it: msgpack bytes as a number array, anything else as it is. */
function bodyForJson(body: unknown): unknown {
  if (body instanceof Uint8Array) return Array.from(body);
  if (body instanceof ArrayBuffer) return Array.from(new Uint8Array(body));
  return body;
}

export async function recordDeadLetters(
  db: D1Database,
  sourceQueue: string,
  messages: readonly Message<unknown>[],
): Promise<void> {
  const stmts = messages.map((m) => {
    const env: DeadLetterEnvelope = isEnvelope(m.body)
      ? m.body
      : {
          sourceQueue,
          messageId: m.id,
          attempts: m.attempts,
          reason: "exceeded the queue's max_retries",
          failedAt: Date.now(),
          body: bodyForJson(m.body),
        };
    return db
      .prepare(
        "INSERT OR IGNORE INTO dead_letters (id, source_queue, reason, attempts, body, failed_at) VALUES (?, ?, ?, ?, ?, ?)",
      )
      .bind(env.messageId, env.sourceQueue, env.reason, env.attempts, JSON.stringify(env.body), env.failedAt);
  });
  if (stmts.length) await db.batch(stmts);
  for (const m of messages) m.ack();
}

/** The original body of a dead letter, ready to send back to its queue. */
export function originalBody(row: DeadLetterRow): { body: unknown; contentType: "v8" | "json" } {
  const parsed = JSON.parse(row.body) as unknown;
  if (Array.isArray(parsed) && parsed.every((n) => typeof n === "number")) {
    return { body: new Uint8Array(parsed as number[]), contentType: "v8" };
  }
  return { body: parsed, contentType: "json" };
}

/**
 * Replays one dead letter of `sourceQueue`: its original body goes back to the queue through
 * `send`, and the row is marked replayed. Null when there is no such dead letter, else how often it
 * has now been replayed. The consumers are idempotent (eventIds, wake ids), so replaying twice
 * applies nothing twice.
 *
 * @example if (!(await replayDeadLetter(env.DB, "facts", id, (b, t) => env.FACTS_QUEUE.send(b as Uint8Array, t)))) fail(…)
 */
export async function replayDeadLetter(
  db: D1Database,
  sourceQueue: string,
  id: string,
  send: (body: unknown, options: { contentType: "v8" | "json" }) => Promise<unknown>,
): Promise<{ replayCount: number } | null> {
  const row = await db
    .prepare("SELECT * FROM dead_letters WHERE source_queue = ? AND id = ?")
    .bind(sourceQueue, id)
    .first<DeadLetterRow>();
  if (!row) return null;
  const { body, contentType } = originalBody(row);
  await send(body, { contentType });
  return { replayCount: await markReplayed(db, row.id) };
}

/** Marks a dead letter replayed now; its replay count after this one. */
export async function markReplayed(db: D1Database, id: string): Promise<number> {
  const row = await db
    .prepare(
      "UPDATE dead_letters SET replayed_at = ?, replay_count = replay_count + 1 WHERE id = ? RETURNING replay_count",
    )
    .bind(Date.now(), id)
    .first<{ replay_count: number }>();
  return row?.replay_count ?? 0;
}
