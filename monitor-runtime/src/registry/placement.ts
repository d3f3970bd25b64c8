import type { MonitorDefinition } from "../../../shared/src/monitor";
import { conditionsOf } from "../../../shared/src/predicate";
import { shardOf, streamKey } from "../../../shared/src/streams";

/**
 * Where a monitor lives among the matcher shards: its home is the shard of its first condition's
 * stream; every other stream it reads that another shard owns is "followed" (the facts consumer
 * also routes that stream's facts to the home shard, in delivery order).
 *
 * @example placementOf(def, 8) // { home: 3, streams: ["market_price:BTC-USD"], followed: [] }
 */
export type Placement = { home: number; streams: string[]; followed: { streamKey: string; owner: number }[] };

export function placementOf(def: Pick<MonitorDefinition, "predicate">, shards: number): Placement {
  const streams = [...new Set(conditionsOf(def.predicate).map((c) => streamKey(c.stream)))];
  const home = shardOf(streams[0] ?? "", shards);
  const followed = streams.map((s) => ({ streamKey: s, owner: shardOf(s, shards) })).filter((s) => s.owner !== home);
  return { home, streams, followed };
}
