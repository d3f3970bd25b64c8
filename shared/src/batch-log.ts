/**
 * One structured log line per batch, never one per item. Why: a Worker's console output is not
 * free. Deployed, every line is a billed, indexed log record; under `wrangler dev`, every line
 * travels from the runtime over the inspector to wrangler's Node process as its own HTTP request,
 * and a line per fact or per match made that process the busiest part of the local fabric under
 * load (bench:ingest: 17,000 facts/s with p99 0.5 s at 20,000 offered, most stale facts logged one by one).
 */

/** Ids kept in one line: enough to find examples in the stores, bounded whatever the batch size. */
export const LOGGED_IDS = 20;

/**
 * @example
 * console.log(batchLogLine("info", "matches recorded", ["m1", "m2"]));
 * // {"level":"info","msg":"matches recorded","count":2,"ids":["m1","m2"]}
 */
export function batchLogLine(
  level: "info" | "warn" | "error",
  msg: string,
  ids: readonly string[],
  fields: Record<string, unknown> = {},
): string {
  return JSON.stringify({
    level,
    msg,
    count: ids.length,
    ...fields,
    ids: ids.length > LOGGED_IDS ? ids.slice(0, LOGGED_IDS) : ids,
  });
}
