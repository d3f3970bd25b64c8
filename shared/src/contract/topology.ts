/**
 * The names every Worker derives from configuration, defined once: how many matcher shards there
 * are and what each is called, which fact-journal object a push uses, and the one follower table.
 * A Worker that computed one of these its own way would address a different Durable Object.
 *
 * @example env.SHARDS.idFromName(shardName(shardOf(key, shardCount(env)))) // the stream's owner
 */

/** The default number of matcher shards (SHARD_COUNT): every Worker must agree on it. */
export const DEFAULT_SHARD_COUNT = 8;

/** The default number of fact-journal objects pushes spread over (JOURNAL_SHARDS). */
export const DEFAULT_JOURNAL_SHARDS = 4;

/** The name of the single StreamRoutes object (the follower table of multi-shard monitors). */
export const ROUTES_NAME = "routes";

/** A positive integer from a Worker variable, or the fallback when it is unset or not one. */
export function positiveInt(raw: string | undefined, fallback: number): number {
  const n = Number(raw);
  return raw !== undefined && Number.isInteger(n) && n > 0 ? n : fallback;
}

/** SHARD_COUNT as a number (default 8). */
export function shardCount(env: { SHARD_COUNT?: string }): number {
  return positiveInt(env.SHARD_COUNT, DEFAULT_SHARD_COUNT);
}

/** The Durable Object name of matcher shard `n`. */
export function shardName(n: number): string {
  return `shard-${n}`;
}

/** JOURNAL_SHARDS as a number (default 4). */
export function journalShards(env: { JOURNAL_SHARDS?: string }): number {
  return positiveInt(env.JOURNAL_SHARDS, DEFAULT_JOURNAL_SHARDS);
}

/** The Durable Object name of fact-journal shard `n` (written by ingest, acknowledged by the matcher). */
export function journalName(n: number): string {
  return `journal-${n}`;
}
