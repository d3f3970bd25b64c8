import { SqliteFactLog } from "./sqlite-fact-log";
import { sqliteMonitors } from "./sqlite-monitors";
import { sqliteOutbox } from "./sqlite-outbox";
import type { ShardStorage } from "./storage-port";

/**
 * The shard's storage port over a Durable Object's SQLite: a transaction is `transactionSync`.
 *
 * @example new ShardCore(sqliteShardStorage(this.ctx.storage), { checkpointFacts: 10_000 })
 */
export function sqliteShardStorage(storage: DurableObjectStorage): ShardStorage {
  return {
    facts: new SqliteFactLog(storage.sql),
    monitors: sqliteMonitors(storage.sql),
    outbox: sqliteOutbox(storage.sql),
    transaction: (fn) => storage.transactionSync(fn),
  };
}
