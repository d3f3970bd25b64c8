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
