import type { ExplainRange } from "../../../shared/src/contract/explain";
import type { LogEntry, PulledStream } from "../../../shared/src/contract/shard-rpc";
import type { MonitorDefinition } from "../../../shared/src/monitor";
import { type LogRows, replayParts } from "../shard/storage-port";
import type { ExplainCache } from "./explain-cache";
import type { ExplainOutcome } from "./explain-page";
import { type Registration, startExplain } from "./explain-page";
import { FactMerge } from "./fact-merge";

/** Facts read per chunk from each log: large enough to amortise an RPC, small enough to hold several. */
export const MERGE_CHUNK_ROWS = 2000;

/**
 * A shard's log as an explain reads it: chunks after a position (all rows, or only those of
 * `rows`), and where its stored facts start.
 */
export type LogReader = {
  read(streamKeys: string[], afterSeq: number, limit: number, rows?: LogRows): LogEntry[] | Promise<LogEntry[]>;
  start(streamKeys: string[]): number | Promise<number>;
};

/** The home shard's own log, which also says which streams hold rows copied from another shard. */
export type HomeLogReader = LogReader & { copiedStreams(streamKeys: string[]): string[] | Promise<string[]> };

/**
 * One log an explain merges: `key` names it and `start` is the position of its first stored fact
 * (both part of a cached replay's key: a prune at a log's start retires replays begun before it).
 */
export type LogSource = {
  key: string;
  start: number;
  read(afterSeq: number, limit: number): LogEntry[] | Promise<LogEntry[]>;
};

/**
 * The logs a home shard's explain reads: first its own log (its streams, and those it follows),
 * then each stream of `pull` (streams the home does not follow now; any copy it kept from a
 * follower since removed is left aside), read from its owner. When the home holds rows of these
 * streams copied from their owners (a followed stream's history, appended at registration after
 * the home's own facts, one stream after another), its log is several sources: the rows delivered
 * to it, then each stream's copied rows, each in log order. Merged, a copied history takes its
 * place by eventId among the delivered facts, exactly as the same stream pulled from its owner
 * would, and the delivered facts keep the order the home applied them in.
 *
 * @example await explainSources(home, ["market_price:ETH-USD", "market_price:BTC-USD"], pull, ownerOf)
 */
export async function explainSources(
  home: HomeLogReader,
  streamKeys: string[],
  pull: readonly PulledStream[],
  ownerOf: (shard: number) => LogReader,
): Promise<LogSource[]> {
  const pulled = pull.filter((p) => streamKeys.includes(p.streamKey));
  const local = streamKeys.filter((k) => !pulled.some((p) => p.streamKey === k));
  // A prune cuts a prefix of the log: the start of all of `local`'s rows moves whenever either part's does.
  const start = await home.start(local);
  const parts = replayParts(local, await home.copiedStreams(local));
  const sources: LogSource[] = parts.map(({ keys, rows }) => ({
    // A copied part is one stream: named by it alone.
    key: JSON.stringify(rows === "all" ? keys : [rows, rows === "copied" ? keys[0] : keys]),
    start,
    read: (after: number, limit: number) => home.read(keys, after, limit, rows),
  }));
  for (const p of pulled) {
    const owner = ownerOf(p.owner);
    const keys = [p.streamKey];
    sources.push({
      key: `${p.owner}/${p.streamKey}`,
      start: await owner.start(keys),
      read: (after, limit) => owner.read(keys, after, limit),
    });
  }
  return sources;
}

/**
 * An explain page over several logs merged in FactMerge's order (fact-merge.ts), read chunk by
 * chunk (at most `chunkRows` buffered per log) and stopped once the page is full. Like explainCached,
 * a page by cursor continues a cached replay (with each log's position) when it is still there, and
 * replays from the start otherwise. The two agree while the logs only grow at their ends past the
 * merge's reach; a fact that reaches one log late, with an eventId below facts of another log a
 * previous page already replayed, is placed by eventId in a replay from the start but after them in
 * a continued one.
 *
 * @example await explainMerged(cache, def, await explainSources(home, keys, pull, ownerOf), { limit: 100 })
 */
export async function explainMerged(
  cache: ExplainCache,
  def: MonitorDefinition,
  sources: readonly LogSource[],
  range: ExplainRange,
  chunkRows = MERGE_CHUNK_ROWS,
  registration?: Registration,
): Promise<ExplainOutcome> {
  const replayKey = JSON.stringify([def, sources.map((s) => [s.key, s.start]), registration ?? "from the start"]);
  const hit = range.cursor === undefined ? undefined : cache.take(`${replayKey}\n${range.cursor}`);
  const run = startExplain(def, range, {
    unique: true,
    ...(hit ? { resume: hit.replay } : {}),
    ...(registration ? { registration } : {}),
  });
  if ("badCursor" in run) return run;
  const merge = new FactMerge(sources.length, hit?.positions);
  let full = false;
  while (!full && !merge.finished()) {
    await Promise.all(
      merge.starving().map(async (i) => {
        const entries = await (sources[i] as LogSource).read(merge.readFrom(i), chunkRows);
        merge.push(i, entries, entries.length < chunkRows);
      }),
    );
    for (let fact = merge.next(); fact; fact = merge.next()) {
      if (run.feed(fact)) {
        full = true;
        break;
      }
    }
  }
  const { outcome, replay } = run.finish();
  const next = "page" in outcome ? outcome.page.nextCursor : null;
  if (replay && next) {
    cache.put(`${replayKey}\n${next}`, { replay, positions: merge.positions() }, replay.evaluator.approxBytes());
  }
  return outcome;
}
