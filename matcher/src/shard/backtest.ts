import type { Match } from "../../../shared/src/contract/trigger-match";
import type { AcceptedFact } from "../../../shared/src/facts";
import type { MonitorDefinition } from "../../../shared/src/monitor";
import { memoryShardStorage } from "./memory-storage";
import { ShardCore } from "./shard-core";

/**
 * What a definition would have matched over a stored fact log, with no side effects: a fresh
 * shard in memory holding only this monitor (enabled) takes the facts in log order, exactly as
 * the live shard would have, and its outbox is the answer, limited to matches observed in
 * [from, to].
 *
 * @example backtest(def, shard.exportFacts(placement.streams), Date.parse("2026-11-01"))
 */
export function backtest(
  def: MonitorDefinition,
  facts: readonly AcceptedFact[],
  from = Number.NEGATIVE_INFINITY,
  to = Number.POSITIVE_INFINITY,
): Match[] {
  const storage = memoryShardStorage();
  const shard = new ShardCore(storage, { checkpointFacts: Number.POSITIVE_INFINITY, log: () => {} });
  shard.upsertMonitor({ ...def, enabled: true });
  shard.applyFacts(facts, 0);
  return storage.outbox.matches().filter((m) => m.observedAt >= from && m.observedAt <= to);
}
