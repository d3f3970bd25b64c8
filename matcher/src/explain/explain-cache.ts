import type { ExplainReplay } from "./explain-page";

/**
 * A replay to continue from, and per log it reads (one for a shard's own log; more when an explain
 * merges streams pulled from other shards) the position (seq) of the last fact it evaluated.
 */
export type CachedReplay = { replay: ExplainReplay; positions: number[] };

/** Default bounds: a few users paging a few monitors each, far below a Durable Object's 128 MB. */
export const EXPLAIN_CACHE_LIMITS = { entries: 32, bytes: 32 * 1024 * 1024 } as const;

/**
 * The replays that recently served explain pages, by definition and cursor, so that the next page
 * continues from where the last one stopped instead of replaying the log from its start. Least
 * recently used first out, bounded in entries and in (estimated) bytes; a replay larger than the
 * byte bound is not kept. An entry is taken out when used (the replay goes on from there, and the
 * page that continued it puts it back under its own cursor), so a cursor asked for twice replays
 * the second time: slower, never different.
 *
 * @example cache.put(key, { replay, positions: [seq] }, replay.evaluator.approxBytes()); cache.take(key)
 */
export class ExplainCache {
  private readonly entries = new Map<string, { value: CachedReplay; bytes: number }>();
  private bytes = 0;

  constructor(private readonly limits: { entries: number; bytes: number } = EXPLAIN_CACHE_LIMITS) {}

  take(key: string): CachedReplay | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.bytes -= entry.bytes;
    return entry.value;
  }

  put(key: string, value: CachedReplay, bytes: number): void {
    this.take(key);
    const size = bytes + 2 * key.length;
    if (size > this.limits.bytes) return;
    this.entries.set(key, { value, bytes: size });
    this.bytes += size;
    for (const [oldest, entry] of this.entries) {
      if (this.entries.size <= this.limits.entries && this.bytes <= this.limits.bytes) break;
      this.entries.delete(oldest);
      this.bytes -= entry.bytes;
    }
  }

  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }
}
