import type { FollowerMap } from "../../shared/src/contract/shard-rpc";
import type { AcceptedFact } from "../../shared/src/facts";
import { shardOf } from "../../shared/src/streams";

/**
 * Which shards see which facts of a queue batch. Every fact goes to the shard that owns its stream
 * (stable hash of the stream key); a stream that a monitor homed on another shard reads is also
 * "followed" by that shard, which receives the fact too. Each shard's list keeps delivery order,
 * so a multi-stream monitor on its home shard sees its streams interleaved exactly as delivered
 * and matches as the reference evaluator says under sequential delivery.
 *
 * @example routeFacts(facts, 8, { "market_price:ETH": [3] }) // Map { 5 => [...], 3 => [...] }
 */
export function routeFacts(facts: AcceptedFact[], shards: number, followers: FollowerMap): Map<number, AcceptedFact[]> {
  const byShard = new Map<number, AcceptedFact[]>();
  const add = (n: number, f: AcceptedFact) => {
    const list = byShard.get(n);
    if (list) list.push(f);
    else byShard.set(n, [f]);
  };
  for (const f of facts) {
    const owner = shardOf(f.streamKey, shards);
    add(owner, f);
    for (const n of followers[f.streamKey] ?? []) if (n !== owner) add(n, f);
  }
  return byShard;
}

/**
 * The facts of a batch routed with `before` that `after` also sends to a follower `before` did
 * not have, per shard in delivery order. A batch that read the follower map just before a monitor
 * started following a stream applies that stream's facts on the owner only; the registry's
 * catch-up copy reads the owner's log once, so a fact the owner logs after that read would reach
 * the new follower never. The consumer checks the map again once its shard calls are done and
 * sends these (the follower drops repeats).
 *
 * @example newlyRouted(facts, 8, {}, { "market_price:BTC": [3] }) // Map { 3 => [BTC facts] }
 */
export function newlyRouted(
  facts: AcceptedFact[],
  shards: number,
  before: FollowerMap,
  after: FollowerMap,
): Map<number, AcceptedFact[]> {
  const added: Record<string, number[]> = {};
  for (const [key, list] of Object.entries(after)) {
    const fresh = list.filter((n) => !(before[key] ?? []).includes(n));
    if (fresh.length > 0) added[key] = fresh;
  }
  const byShard = routeFacts(
    facts.filter((f) => added[f.streamKey]),
    shards,
    added,
  );
  // routeFacts also lists each fact under its owner, which already has it.
  for (const [n, list] of byShard) {
    const kept = list.filter((f) => shardOf(f.streamKey, shards) !== n);
    if (kept.length > 0) byShard.set(n, kept);
    else byShard.delete(n);
  }
  return byShard;
}
