import type { StreamRead } from "../../../shared/src/contract/reads";
import { shardCount, shardName } from "../../../shared/src/contract/topology";
import { mergeStreamPages, type StreamFilter, streamOfKey } from "../../../shared/src/stream-list";
import type { RuntimeEnv } from "../env";

/**
 * A page of the fabric's streams: every matcher shard lists the streams it owns after the cursor
 * (they never overlap), the pages are merged in key order, and each stream taken gets the number of
 * monitors that read it from the `monitor_streams` projection (the monitors `GET
 * /v1/monitors?stream=` lists), one indexed D1 query for the page.
 *
 * @example await listStreams(env, { kind: "market_price", q: "btc" }, 50) // { streams, nextCursor }
 */
export async function listStreams(
  env: Pick<RuntimeEnv, "SHARDS" | "DB" | "SHARD_COUNT">,
  filter: StreamFilter,
  limit: number,
  cursor?: string,
): Promise<{ streams: StreamRead[]; nextCursor: string | null }> {
  const count = shardCount(env);
  const pages = await Promise.all(
    Array.from({ length: count }, (_, shard) =>
      env.SHARDS.get(env.SHARDS.idFromName(shardName(shard))).listStreams({
        ...filter,
        owner: { shard, shardCount: count },
        ...(cursor === undefined ? {} : { after: cursor }),
        limit,
      }),
    ),
  );
  const page = mergeStreamPages(pages, limit);
  const monitors = await monitorCounts(
    env.DB,
    page.streams.map((s) => s.streamKey),
  );
  return {
    streams: page.streams.map((s) => ({ ...streamOfKey(s.streamKey), ...s, monitors: monitors.get(s.streamKey) ?? 0 })),
    nextCursor: page.nextCursor,
  };
}

/** How many monitors read each of these streams (absent: none), through monitor_streams' stream index. */
export async function monitorCounts(db: D1Database, keys: string[]): Promise<Map<string, number>> {
  if (keys.length === 0) return new Map();
  const { results } = await db
    .prepare(
      `SELECT stream_key AS k, COUNT(*) AS n FROM monitor_streams
       WHERE stream_key IN (SELECT value FROM json_each(?)) GROUP BY stream_key`,
    )
    .bind(JSON.stringify(keys))
    .all<{ k: string; n: number }>();
  return new Map(results.map((r) => [r.k, r.n]));
}
