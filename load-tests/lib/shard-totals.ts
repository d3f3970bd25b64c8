import { devClient } from "./fabric-client";

/**
 * The shards' fact counters summed over every shard (`GET /v1/admin/stats` totals, through the
 * client with the local admin token): how far the matcher has got with what ingest accepted.
 *
 * @example const { factsApplied, factsStale } = await shardTotals(fabric.base);
 */
export type ShardTotals = { factsApplied: number; factsStale: number; duplicates: number };

export async function shardTotals(base: string): Promise<ShardTotals> {
  const stats = await devClient(base, { retry: { maxAttempts: 1 } }).stats();
  const t = (stats.totals ?? {}) as Partial<Record<keyof ShardTotals, number | null>>;
  return { factsApplied: t.factsApplied ?? 0, factsStale: t.factsStale ?? 0, duplicates: t.duplicates ?? 0 };
}
