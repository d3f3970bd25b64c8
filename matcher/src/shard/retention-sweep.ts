/**
 * The fact log's retention (FACT_LOG_RETENTION_MS, default 30 days) and how often a shard sweeps
 * it. The sweep runs on the shard's alarm, which also serves outbox delivery; before it was armed
 * for its own sake, a shard whose facts never matched never ran it and kept every fact forever.
 *
 * @example sweepEveryMs(retentionMs({})) // 3_600_000: hourly for the 30-day default
 */
export const DEFAULT_RETENTION_MS = 2_592_000_000; // 30 days
const MAX_SWEEP_MS = 3_600_000;
const MIN_SWEEP_MS = 1_000;

export function retentionMs(env: { FACT_LOG_RETENTION_MS?: string }): number {
  const ms = Number(env.FACT_LOG_RETENTION_MS ?? DEFAULT_RETENTION_MS);
  return Number.isFinite(ms) && ms > 0 ? ms : DEFAULT_RETENTION_MS;
}

/**
 * A tenth of the retention, between a second and an hour: the log holds at most that much past
 * its retention, and an idle shard wakes at most hourly (a short retention, as in a soak run,
 * sweeps often enough to show it works).
 */
export function sweepEveryMs(retention: number): number {
  return Math.min(MAX_SWEEP_MS, Math.max(MIN_SWEEP_MS, Math.floor(retention / 10)));
}
