import { DurableObject } from "cloudflare:workers";
import type { FollowerMap, StreamRoutesRpc } from "../../shared/src/contract/shard-rpc";

/**
 * The follower table of multi-shard monitors: stream key → shards that follow it, with a version
 * so the facts consumer re-reads it only when it changed. One small object: it changes only when
 * a monitor that reads streams on several shards is registered or removed.
 */
export class StreamRoutes extends DurableObject implements StreamRoutesRpc {
  private ensure(): void {
    this.ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS follows (stream_key TEXT NOT NULL, shard INTEGER NOT NULL, monitor_id TEXT NOT NULL, PRIMARY KEY (stream_key, shard, monitor_id))",
    );
    this.ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v INTEGER NOT NULL)");
  }

  private version(): number {
    return this.ctx.storage.sql.exec<{ v: number }>("SELECT v FROM meta WHERE k = 'version'").toArray()[0]?.v ?? 0;
  }

  private bump(): void {
    this.ctx.storage.sql.exec("INSERT INTO meta (k, v) VALUES ('version', 1) ON CONFLICT (k) DO UPDATE SET v = v + 1");
  }

  /** Sets the streams a monitor follows from its home shard (replacing what it followed before). */
  setFollows(monitorId: string, home: number, streamKeys: string[]): number {
    this.ensure();
    this.ctx.storage.transactionSync(() => {
      this.ctx.storage.sql.exec("DELETE FROM follows WHERE monitor_id = ?", monitorId);
      for (const key of streamKeys) {
        this.ctx.storage.sql.exec(
          "INSERT OR IGNORE INTO follows (stream_key, shard, monitor_id) VALUES (?, ?, ?)",
          key,
          home,
          monitorId,
        );
      }
      this.bump();
    });
    return this.version();
  }

  /** The follower map, or null when the caller's version is current. */
  snapshot(sinceVersion: number): { version: number; followers: FollowerMap } | null {
    this.ensure();
    const version = this.version();
    if (version === sinceVersion) return null;
    const followers: Record<string, number[]> = {};
    for (const row of this.ctx.storage.sql.exec<{ stream_key: string; shard: number }>(
      "SELECT DISTINCT stream_key, shard FROM follows ORDER BY stream_key, shard",
    )) {
      const list = followers[row.stream_key] ?? [];
      list.push(row.shard);
      followers[row.stream_key] = list;
    }
    return { version, followers };
  }

  /** The shards that follow each of these streams now (a draft's explain reads the others from their owners). */
  followersOf(streamKeys: string[]): FollowerMap {
    this.ensure();
    const followers: Record<string, number[]> = {};
    for (const row of this.ctx.storage.sql.exec<{ stream_key: string; shard: number }>(
      `SELECT DISTINCT stream_key, shard FROM follows WHERE stream_key IN (SELECT value FROM json_each(?))
       ORDER BY stream_key, shard`,
      JSON.stringify(streamKeys),
    )) {
      followers[row.stream_key] = [...(followers[row.stream_key] ?? []), row.shard];
    }
    return followers;
  }
}
