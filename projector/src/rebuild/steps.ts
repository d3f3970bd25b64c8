import type { SqlExecutor } from "../projections/sql";
import { chunkStatements, type LoggedEventRow, readChunkStatement } from "./chunk";
import { createShadowStatements, failRebuildStatement, indexShadowStatements, swapStatements } from "./shadow";

/**
 * The rebuild as steps a Cloudflare Workflow runs one `step.do` each (all retry-safe):
 *   createShadow → rebuildChunk(after = 0, 1000, …) until it returns done → indexShadow →
 *   catchUpAndSwap.
 * Live projection keeps writing the live tables the whole time; the swap batch refuses to run
 * if an event was logged after the catch-up, and catchUpAndSwap then catches up and tries again.
 *
 * @example
 * await step.do("shadow", () => createShadow(db, id));
 * let cursor = { lastSeq: 0, eventsApplied: 0, done: false };
 * for (let i = 0; !cursor.done; i++) cursor = await step.do(`chunk ${i}`, () => rebuildChunk(db, id, cursor, 1000));
 * await step.do("index", () => indexShadow(db, id));
 * await step.do("swap", () => catchUpAndSwap(db, id, cursor, 1000));
 */
export type RebuildCursor = { lastSeq: number; eventsApplied: number; done: boolean };

export async function createShadow(db: SqlExecutor, rebuildId: string, now = Date.now()): Promise<void> {
  await db.batch(createShadowStatements(rebuildId, now));
}

/** Build the read-only indexes on the loaded shadow (idempotent: a retry finds them built). */
export async function indexShadow(db: SqlExecutor, rebuildId: string): Promise<void> {
  await db.batch(
    indexShadowStatements(rebuildId).map((s) => ({
      ...s,
      sql: s.sql.replace(/^CREATE INDEX /, "CREATE INDEX IF NOT EXISTS "),
    })),
  );
}

export async function rebuildChunk(
  db: SqlExecutor,
  rebuildId: string,
  cursor: RebuildCursor,
  limit: number,
  now = Date.now(),
): Promise<RebuildCursor> {
  const rows = await db.all<LoggedEventRow>(readChunkStatement(cursor.lastSeq, limit));
  const chunk = chunkStatements(rebuildId, rows, now);
  await db.batch(chunk.statements);
  return {
    lastSeq: chunk.lastSeq ?? cursor.lastSeq,
    eventsApplied: cursor.eventsApplied + chunk.count,
    done: rows.length < limit,
  };
}

/**
 * Catch the shadow up with event_log and swap, in one batch with the tail (a tail longer than
 * `limit` is applied chunk by chunk first). Retries when live events keep arriving.
 */
export async function catchUpAndSwap(
  db: SqlExecutor,
  rebuildId: string,
  cursor: RebuildCursor,
  limit: number,
  options: { maxAttempts?: number; now?: () => number; beforeSwap?: () => Promise<void> } = {},
): Promise<RebuildCursor & { attempts: number }> {
  const maxAttempts = options.maxAttempts ?? 20;
  const now = options.now ?? Date.now;
  let current = cursor;
  for (let attempt = 1; ; attempt++) {
    let rows = await db.all<LoggedEventRow>(readChunkStatement(current.lastSeq, limit));
    while (rows.length >= limit) {
      current = await rebuildChunk(db, rebuildId, current, limit, now());
      rows = await db.all<LoggedEventRow>(readChunkStatement(current.lastSeq, limit));
    }
    const tail = chunkStatements(rebuildId, rows, now());
    const caughtUpSeq = tail.lastSeq ?? current.lastSeq;
    const eventsApplied = current.eventsApplied + tail.count;
    await options.beforeSwap?.();
    try {
      await db.batch([...tail.statements, ...swapStatements({ rebuildId, caughtUpSeq, eventsApplied, now: now() })]);
      return { lastSeq: caughtUpSeq, eventsApplied, done: true, attempts: attempt };
    } catch (error) {
      // Most likely an event logged since the read (the guard's CHECK); anything else recurs.
      if (attempt >= maxAttempts) throw error;
    }
  }
}

export async function failRebuild(db: SqlExecutor, rebuildId: string, error: unknown, now = Date.now()): Promise<void> {
  await db.batch([failRebuildStatement(rebuildId, error instanceof Error ? error.message : String(error), now)]);
}

/** All steps in one call (tests, bench, small logs). `between` runs after each chunk. */
export async function runRebuild(
  db: SqlExecutor,
  rebuildId: string,
  options: { limit?: number; between?: (chunk: number) => Promise<void>; beforeSwap?: () => Promise<void> } = {},
): Promise<RebuildCursor & { chunks: number; attempts: number }> {
  const limit = options.limit ?? 1000;
  await createShadow(db, rebuildId);
  let cursor: RebuildCursor = { lastSeq: 0, eventsApplied: 0, done: false };
  let chunks = 0;
  while (!cursor.done) {
    cursor = await rebuildChunk(db, rebuildId, cursor, limit);
    chunks++;
    await options.between?.(chunks);
  }
  await indexShadow(db, rebuildId);
  const swapped = await catchUpAndSwap(db, rebuildId, cursor, limit, { beforeSwap: options.beforeSwap });
  return { ...swapped, chunks };
}
