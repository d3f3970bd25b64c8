/**
 * What the history retentions (match-history.ts, tick-history.ts) share: the setting in days, and
 * the guard that keeps them off event_log while a rebuild reads it in several batches.
 *
 * @example retentionMs("30") // 2_592_000_000; retentionMs(undefined) // 0: keep everything
 */
const DAY_MS = 86_400_000;

/**
 * A `…_RETENTION_DAYS` setting in ms; 0 (keep everything) when unset, "0", or not a number > 0.
 * Off unless an operator sets it: the event log is the fabric's record, and deleting from it is a
 * choice about a deployment's audit needs and D1's 10 GB, not something to do by default.
 */
export function retentionMs(days: string | undefined): number {
  const n = Number(days ?? 0);
  return Number.isFinite(n) && n > 0 ? n * DAY_MS : 0;
}

/** A SQL condition: no rebuild is running (each pruning statement carries it). */
export const NO_REBUILD = "NOT EXISTS (SELECT 1 FROM rebuilds WHERE status = 'running')";
