import type { DeadLetterQueue } from "./contract/reads";
import type { DeadLetterRow } from "./dead-letters";

/**
 * Paging over a queue's dead letters, oldest first in the order they were recorded (`seq`,
 * migrations/0011). A cursor names the queue and the last seq read, encoded so clients pass it back
 * unchanged rather than build one: `nextCursor` of one page is the `cursor` of the next. Replaying
 * marks a row and keeps it, and a new dead letter takes a larger seq, so a reader paging through
 * meets every row recorded before it reached the end exactly once, whatever happens meanwhile.
 *
 * @example const page = await listDeadLetterPage(env.DB, "facts", 100, decodeDeadLetterCursor("facts", q.cursor));
 */
export async function listDeadLetterPage(
  db: D1Database,
  queue: DeadLetterQueue,
  limit: number,
  afterSeq = 0,
): Promise<{ rows: DeadLetterRow[]; nextCursor: string | null }> {
  // One row past the page says whether another page follows.
  const { results } = await db
    .prepare("SELECT * FROM dead_letters WHERE source_queue = ? AND seq > ? ORDER BY seq LIMIT ?")
    .bind(queue, afterSeq, limit + 1)
    .all<DeadLetterRow & { seq: number }>();
  const rows = results.slice(0, limit);
  const last = rows.at(-1);
  return {
    rows: rows.map(({ seq: _seq, ...row }) => row),
    nextCursor: results.length > limit && last ? encodeDeadLetterCursor(queue, last.seq) : null,
  };
}

/**
 * What a list route answers for its validated query: a page, without the bodies unless `withBody`
 * (only events bodies are JSON worth showing; facts and wakes bodies are bytes).
 *
 * @example c.json(await deadLetterListAnswer(c.env.DB, "facts", c.req.valid("query"), false), 200)
 */
export async function deadLetterListAnswer(
  db: D1Database,
  queue: DeadLetterQueue,
  query: { limit: number; cursor?: string | undefined },
  withBody: boolean,
): Promise<{ deadLetters: (Omit<DeadLetterRow, "body"> & { body?: string })[]; nextCursor: string | null }> {
  const decoded = query.cursor === undefined ? { seq: 0 } : decodeDeadLetterCursor(queue, query.cursor);
  // The route's schema refused a bad cursor already; this only narrows the type.
  const page = await listDeadLetterPage(db, queue, query.limit, "seq" in decoded ? decoded.seq : 0);
  return {
    deadLetters: withBody ? page.rows : page.rows.map(({ body: _body, ...row }) => row),
    nextCursor: page.nextCursor,
  };
}

const PREFIX = "dl1";

export function encodeDeadLetterCursor(queue: DeadLetterQueue, seq: number): string {
  return btoa(`${PREFIX}:${queue}:${seq}`).replace(/=+$/, "").replaceAll("+", "-").replaceAll("/", "_");
}

/**
 * The seq a cursor continues after, or a sentence saying what is wrong with it (for the 400).
 *
 * @example decodeDeadLetterCursor("facts", "ZGwxOmZhY3RzOjQy") // { seq: 42 }
 */
export function decodeDeadLetterCursor(queue: DeadLetterQueue, cursor: string): { seq: number } | { problem: string } {
  const fix = "pass the nextCursor of the previous page unchanged, or leave cursor out to start at the oldest";
  let text: string;
  try {
    text = atob(cursor.replaceAll("-", "+").replaceAll("_", "/"));
  } catch {
    return { problem: `not a dead-letter cursor: ${fix}` };
  }
  const [prefix, of, seq] = text.split(":");
  if (prefix !== PREFIX || of === undefined || seq === undefined || !/^\d{1,16}$/.test(seq)) {
    return { problem: `not a dead-letter cursor: ${fix}` };
  }
  if (of !== queue) {
    return { problem: `this cursor pages the dead letters of queue ${of}, not ${queue}: ${fix}` };
  }
  if (!Number.isSafeInteger(Number(seq))) return { problem: `not a dead-letter cursor: ${fix}` };
  return { seq: Number(seq) };
}
