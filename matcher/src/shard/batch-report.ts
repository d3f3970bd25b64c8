import { batchLogLine, LOGGED_IDS } from "../../../shared/src/batch-log";
import type { MatchCore } from "../../../shared/src/contract/trigger-match";
import type { AcceptedFact } from "../../../shared/src/facts";

/**
 * What a shard's batch says in its log: a line per kind per batch, not per fact
 * (shared/src/batch-log.ts), since a replaying producer can send thousands of stale facts. Each line
 * has a stable `event` name, and names the streams concerned (bounded like the ids): they point at
 * the producer's feed to look at.
 *
 * @example const report = new BatchReport(); report.stale(fact); report.write(console.log, matches)
 */
export class BatchReport {
  private readonly staleIds: string[] = [];
  private readonly staleStreams = new Set<string>();
  private readonly unwatchedStreams = new Map<string, number>();
  /** Facts of streams no monitor reads, here or on a shard that follows them. */
  unwatchedCount = 0;

  stale(fact: AcceptedFact): void {
    this.staleIds.push(fact.eventId);
    this.staleStreams.add(fact.streamKey);
  }

  unwatched(fact: AcceptedFact): void {
    this.unwatchedStreams.set(fact.streamKey, (this.unwatchedStreams.get(fact.streamKey) ?? 0) + 1);
    this.unwatchedCount++;
  }

  write(log: (line: string) => void, found: readonly MatchCore[]): void {
    const some = (keys: Iterable<string>) => [...keys].slice(0, LOGGED_IDS);
    if (this.staleIds.length > 0)
      log(
        batchLogLine("info", "stale facts logged, not applied (older than their stream's latest)", this.staleIds, {
          event: "facts_stale",
          streams: some(this.staleStreams),
        }),
      );
    if (this.unwatchedCount > 0)
      log(
        JSON.stringify({
          level: "info",
          msg: "facts of streams no monitor reads",
          event: "facts_unwatched",
          count: this.unwatchedCount,
          streams: some(this.unwatchedStreams.keys()),
        }),
      );
    if (found.length > 0)
      log(
        batchLogLine(
          "info",
          "matches recorded",
          found.map((m) => m.matchId),
          { event: "matches_recorded" },
        ),
      );
  }
}
