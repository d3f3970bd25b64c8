import type { SqlExecutor } from "../../../shared/src/projections/sql";
import { chunkStatements, type LoggedEventRow, readChunkStatement } from "./chunk";
import { createShadowStatements, failRebuildStatement, finishShadowStatements, swapStatements } from "./shadow";

/**
 * The rebuild as steps a Cloudflare Workflow runs one `step.do` each (all retry-safe):
 *   createShadow → rebuildChunk(…, { bulk: true }) until it returns done → finishShadow →
 *   catchUpAndSwap.
 * Bulk chunks leave monitor_state's match fields to finishShadow, which derives them from
 * trigger_matches in one statement; every chunk after finishShadow (catch-up) projects in full.
 * Live projection keeps writing the live tables the whole time; the swap batch refuses to run
 * if an event was logged after the catch-up, and catchUpAndSwap then catches up and tries again.
 *
 * @example
 * await step.do("shadow", () => createShadow(db, id));
 * let cursor = { lastSeq: 0, eventsApplied: 0, done: false };
 * for (let i = 0; !cursor.done; i++)
 *   cursor = await step.do(`chunk ${i}`, () => rebuildChunk(db, id, cursor, 1000, { bulk: true }));
 * await step.do("finish", () => finishShadow(db, id));
 * await step.do("swap", () => catchUpAndSwap(db, id, cursor, 1000));
 */
export type RebuildCursor = { lastSeq: number; eventsApplied: number; done: boolean };

export async function createShadow(db: SqlExecutor, rebuildId: string, now = Date.now()): Promise<void> {
  await db.batch(createShadowStatements(rebuildId, now));
}

/** Build the shadow's read indexes and derive its match counters (see finishShadowStatements). */
export async function finishShadow(db: SqlExecutor, rebuildId: string): Promise<void> {
  await db.batch(finishShadowStatements(rebuildId));
}

export async function rebuildChunk(
  db: SqlExecutor,
  rebuildId: string,
  cursor: RebuildCursor,
  limit: number,
  options: { bulk?: boolean; now?: number } = {},
): Promise<RebuildCursor> {
  const rows = await db.all<LoggedEventRow>(readChunkStatement(cursor.lastSeq, limit));
  const chunk = chunkStatements(rebuildId, rows, options.now ?? Date.now(), { deferMatchState: options.bulk === true });
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
  // A step retried after its swap committed (the reply was lost) finds the work done.
  const [state] = await db.all<{ status: string; last_seq: number; events_applied: number }>({
    sql: "SELECT status, last_seq, events_applied FROM rebuilds WHERE rebuild_id = ?",
    params: [rebuildId],
  });
  if (state?.status === "complete") {
    return { lastSeq: state.last_seq, eventsApplied: state.events_applied, done: true, attempts: 0 };
  }
  let current = cursor;
  for (let attempt = 1; ; attempt++) {
    let rows = await db.all<LoggedEventRow>(readChunkStatement(current.lastSeq, limit));
    while (rows.length >= limit) {
      current = await rebuildChunk(db, rebuildId, current, limit, { now: now() });
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
    cursor = await rebuildChunk(db, rebuildId, cursor, limit, { bulk: true });
    chunks++;
    await options.between?.(chunks);
  }
  await finishShadow(db, rebuildId);
  const swapped = await catchUpAndSwap(db, rebuildId, cursor, limit, { beforeSwap: options.beforeSwap });
  return { ...swapped, chunks };
}
