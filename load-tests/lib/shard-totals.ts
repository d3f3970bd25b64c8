/**
 * The shards' fact counters summed over every shard (`GET /v1/admin/stats` totals), with the
 * local admin token: how far the matcher has got with what ingest accepted.
 *
 * @example const { factsApplied, factsStale } = await shardTotals(fabric.base);
 */
export type ShardTotals = { factsApplied: number; factsStale: number; duplicates: number };

export async function shardTotals(base: string): Promise<ShardTotals> {
  const res = await fetch(`${base}/v1/admin/stats`, { headers: { authorization: "Bearer dev-admin-token" } });
  if (!res.ok) throw new Error(`GET /v1/admin/stats answered ${res.status}`);
  const t = ((await res.json()) as { totals: Partial<Record<keyof ShardTotals, number | null>> }).totals;
  return { factsApplied: t.factsApplied ?? 0, factsStale: t.factsStale ?? 0, duplicates: t.duplicates ?? 0 };
}
