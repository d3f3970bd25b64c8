import type { AcceptedFact } from "../../../shared/src/facts";
import type { MonitorDefinition } from "../../../shared/src/monitor";
import { conditionsOf } from "../../../shared/src/predicate";
import { shardOf, streamKey } from "../../../shared/src/streams";
import { byCodeUnits } from "./reference";
import { type BatchResult, ShardCore } from "./shard-core";

/**
 * Routing facts and monitors over N shards so that matches equal the reference evaluator's.
 *
 * - A stream lives on shard `shardOf(streamKey, n)` (its owner): the owner dedupes, logs and
 *   decides staleness for every fact of the stream.
 * - A monitor is homed on the owner of its first condition's stream; only its home evaluates it,
 *   so each match is produced once. Every other stream it reads whose owner is another shard is
 *   "followed": the owner counts, per stream, how many monitors each follower homes that read it.
 * - When a shard starts following a stream, the owner's logged facts of that stream are delivered
 *   to it first (seeding; eventId dedupe skips what it already has), so its copy of the stream
 *   (staleness, series, history for `change` windows) is the owner's; then the monitor is added.
 * - A fact goes to its owner, then, if it was not a duplicate there, to each follower of its
 *   stream, before the next fact. The matches of one fact are merged in monitorId order, so under
 *   this sequential delivery N shards produce exactly the matches of one shard.
 * - Counts (applied, stale, duplicates) are the owner's; followers' copies are not counted twice.
 * In the Worker, shards are MatcherShard Durable Objects and the same steps are RPCs.
 *
 * @example
 * const router = new Router(4);
 * router.upsertMonitor(def);
 * const { matches } = router.applyBatch(facts);
 */
export class Router {
  readonly shards: ShardCore[];
  private readonly homes = new Map<string, { shard: number; version: number; follows: string[] }>();

  constructor(readonly shardCount: number) {
    this.shards = Array.from({ length: Math.max(1, shardCount) }, () => new ShardCore());
  }

  shardFor(key: string): number {
    return shardOf(key, this.shards.length);
  }

  upsertMonitor(def: MonitorDefinition): void {
    const old = this.homes.get(def.monitorId);
    if (old && def.version <= old.version) return;
    const keys = [...new Set(conditionsOf(def.predicate).map((c) => streamKey(c.stream)))];
    const home = this.shardFor(keys[0] ?? "");
    const follows = keys.filter((k) => this.shardFor(k) !== home);
    for (const key of follows) this.follow(key, home);
    if (old && old.shard !== home) this.shard(old.shard).removeMonitor(def.monitorId);
    if (old) for (const key of old.follows) this.shard(this.shardFor(key)).unfollow(key, old.shard);
    this.shard(home).upsertMonitor(def);
    this.homes.set(def.monitorId, { shard: home, version: def.version, follows });
  }

  removeMonitor(monitorId: string): void {
    const old = this.homes.get(monitorId);
    if (!old) return;
    this.shard(old.shard).removeMonitor(monitorId);
    for (const key of old.follows) this.shard(this.shardFor(key)).unfollow(key, old.shard);
    this.homes.delete(monitorId);
  }

  applyBatch(facts: readonly AcceptedFact[]): BatchResult {
    const out: BatchResult = { applied: 0, stale: 0, duplicates: 0, matches: [] };
    for (const fact of facts) {
      const owner = this.shard(this.shardFor(fact.streamKey));
      const r = owner.applyBatch([fact]);
      out.applied += r.applied;
      out.stale += r.stale;
      out.duplicates += r.duplicates;
      if (r.duplicates > 0) continue;
      const matches = [...r.matches];
      for (const f of owner.followers(fact.streamKey)) matches.push(...this.shard(f).applyBatch([fact]).matches);
      if (matches.length > 1) matches.sort((a, b) => byCodeUnits(a.monitorId, b.monitorId));
      out.matches.push(...matches);
    }
    return out;
  }

  /** Adds a reader of `key` on `follower`; a newly following shard is seeded first. */
  private follow(key: string, follower: number): void {
    const owner = this.shard(this.shardFor(key));
    if (owner.follow(key, follower)) this.shard(follower).applyBatch(owner.log.streamFacts(key));
  }

  private shard(n: number): ShardCore {
    const s = this.shards[n];
    if (!s) throw new Error(`no shard ${n}`);
    return s;
  }
}
