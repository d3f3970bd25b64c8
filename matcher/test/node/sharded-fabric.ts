import { type Placement, placementOf } from "../../../shared/src/contract/placement";
import type { Match } from "../../../shared/src/contract/trigger-match";
import type { AcceptedFact } from "../../../shared/src/facts";
import type { MonitorDefinition } from "../../../shared/src/monitor";
import { shardOf } from "../../../shared/src/streams";
import { routeFacts } from "../../src/route-facts";
import { backtest } from "../../src/shard/backtest";
import { memoryShardStorage } from "../../src/shard/memory-storage";
import { ShardCore } from "../../src/shard/shard-core";

type Shard = { core: ShardCore; storage: ReturnType<typeof memoryShardStorage>; reported: number };

/**
 * N production shard cores over memory, driven the way the Workers drive the Durable Objects:
 * monitors placed by `placementOf` and indexed in the order the registry's `indexEvent` uses
 * (follow, seed the home from each owner's log through importFacts, as the registry's
 * follow-streams.ts copies it, upsert, remove from a former home), facts split
 * by the facts consumer's `routeFacts` over the follower table. Only the Durable Object RPC and
 * the StreamRoutes object are stood in for (a map of monitor → followed streams).
 *
 * @example const fabric = new ShardedFabric(4); fabric.upsert(def); fabric.applyBatch(facts) // matches
 */
export class ShardedFabric {
  readonly shards: Shard[];
  private readonly placed = new Map<string, { def: MonitorDefinition; placement: Placement }>();

  constructor(readonly shardCount: number) {
    this.shards = Array.from({ length: shardCount }, () => {
      const storage = memoryShardStorage();
      return { storage, core: new ShardCore(storage, { checkpointFacts: 7, log: () => {} }), reported: 0 };
    });
  }

  shardFor(streamKey: string): number {
    return shardOf(streamKey, this.shardCount);
  }

  /** Stream key → shards following it: what StreamRoutes.snapshot answers. */
  followers(): Record<string, number[]> {
    const out: Record<string, number[]> = {};
    for (const { placement } of this.placed.values()) {
      for (const f of placement.followed) {
        const list = out[f.streamKey] ?? [];
        if (!list.includes(placement.home)) list.push(placement.home);
        out[f.streamKey] = list;
      }
    }
    return out;
  }

  upsert(def: MonitorDefinition): void {
    const before = this.placed.get(def.monitorId)?.placement;
    const now = placementOf(def, this.shardCount);
    this.placed.set(def.monitorId, { def, placement: now });
    for (const f of now.followed) {
      const history = this.shard(f.owner).core.exportFacts([f.streamKey]);
      if (history.length > 0) this.shard(now.home).core.importFacts(history, 0);
    }
    this.shard(now.home).core.upsertMonitor(def);
    if (before && before.home !== now.home) this.shard(before.home).core.removeMonitor(def.monitorId, def.version);
  }

  remove(monitorId: string): void {
    const held = this.placed.get(monitorId);
    if (!held) return;
    this.shard(held.placement.home).core.removeMonitor(monitorId, held.def.version);
    this.placed.delete(monitorId);
  }

  /** A saved monitor's backtest as its home answers it (MatcherShard.backtest), or undefined when it is not saved. */
  backtest(monitorId: string): Match[] | undefined {
    const held = this.placed.get(monitorId);
    if (!held) return undefined;
    return backtest(held.def, this.shard(held.placement.home).core.replayFacts(held.placement.streams));
  }

  /**
   * One queue batch: each shard applies its share in delivery order; the matches come back per
   * fact in monitorId order (the order one shard reports them in, and the reference's).
   */
  applyBatch(facts: AcceptedFact[]): Match[] {
    for (const [n, share] of routeFacts(facts, this.shardCount, this.followers()))
      this.shard(n).core.applyFacts(share, 0);
    const position = new Map<string, number>();
    facts.forEach((f, i) => {
      if (!position.has(f.eventId)) position.set(f.eventId, i);
    });
    const matches = this.shards.flatMap((s) => {
      const all = s.storage.outbox.matches();
      const fresh = all.slice(s.reported);
      s.reported = all.length;
      return fresh;
    });
    const at = (m: Match) => position.get(m.eventId) ?? 0;
    return matches.sort(
      (a, b) => at(a) - at(b) || (a.monitorId < b.monitorId ? -1 : a.monitorId > b.monitorId ? 1 : 0),
    );
  }

  private shard(n: number): Shard {
    const s = this.shards[n];
    if (!s) throw new Error(`no shard ${n}`);
    return s;
  }
}
