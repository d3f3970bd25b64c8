import type { ExplainRange } from "../../../shared/src/contract/explain";
import type { AcceptedFact } from "../../../shared/src/facts";
import type { MonitorDefinition } from "../../../shared/src/monitor";
import type { ExplainCache } from "./explain-cache";
import { type ExplainOutcome, explainPageFrom, type Registration } from "./explain-page";

/**
 * A shard's stored log, read from a position: the facts of `streamKeys` with seq > `at.seq`, in
 * log order, each eventId once (the log's event_id is UNIQUE), setting `at.seq` to the seq of each
 * fact as it is read.
 */
export type PositionedLog = (streamKeys: string[], at: { seq: number }) => Iterable<AcceptedFact>;

/**
 * An explain page that continues a cached replay when its cursor was served recently, and replays
 * from the start of the log otherwise (the same rows either way: the log is append-only, so a
 * replay's state at a position stays what a replay from the start would reach). `logStart` (the
 * seq of the first stored fact of these streams) is part of the key: pruning the log's start, which
 * a replay from the start would notice, retires every replay begun before it.
 *
 * @example explainCached(cache, def, keys, { cursor, limit: 1000 }, log, firstSeq)
 */
export function explainCached(
  cache: ExplainCache,
  def: MonitorDefinition,
  streamKeys: string[],
  range: ExplainRange,
  log: PositionedLog,
  logStart: number,
  registration?: Registration,
): ExplainOutcome {
  const replayKey = JSON.stringify([def, streamKeys, logStart, registration ?? "from the start"]);
  const hit = range.cursor === undefined ? undefined : cache.take(`${replayKey}\n${range.cursor}`);
  const at = { seq: hit?.positions[0] ?? 0 };
  const { outcome, replay } = explainPageFrom(def, log(streamKeys, at), range, {
    unique: true,
    ...(hit ? { resume: hit.replay } : {}),
    ...(registration ? { registration } : {}),
  });
  const next = "page" in outcome ? outcome.page.nextCursor : null;
  if (replay && next)
    cache.put(`${replayKey}\n${next}`, { replay, positions: [at.seq] }, replay.evaluator.approxBytes());
  return outcome;
}
