import type { MonitorDefinition } from "../monitor";
import { streamKeysOf } from "../predicate";
import { shardOf } from "../streams";

/**
 * Where a monitor lives among the matcher shards: its home is the shard that owns its first
 * condition's stream (only the home evaluates it, so each match is produced once); every other
 * stream it reads that another shard owns is "followed": the facts consumer also routes that
 * stream's facts to the home shard, in delivery order, after seeding it with the owner's log. A
 * definition not saved yet follows nothing: its explain reads such streams from their owners.
 *
 * @example placementOf(def, 8) // { home: 3, streams: ["market_price:BTC-USD"], followed: [] }
 */
export type Placement = { home: number; streams: string[]; followed: { streamKey: string; owner: number }[] };

export function placementOf(def: Pick<MonitorDefinition, "predicate">, shards: number): Placement {
  // Operand streams too: a relative condition reads both its series, so both must reach the home.
  const streams = streamKeysOf(def.predicate);
  const home = shardOf(streams[0] ?? "", shards);
  const followed = streams.map((s) => ({ streamKey: s, owner: shardOf(s, shards) })).filter((s) => s.owner !== home);
  return { home, streams, followed };
}
