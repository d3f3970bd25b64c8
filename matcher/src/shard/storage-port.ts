import type { Match, MonitorIdentity } from "../../../shared/src/contract/trigger-match";
import type { AcceptedFact } from "../../../shared/src/facts";
import type { MonitorDefinition } from "../../../shared/src/monitor";
import type { Sample } from "../engine/types";

/**
 * What a matcher shard needs of its storage, by concern: the fact log, the monitors with the
 * engine's saved state, and the match outbox with the shard's counters. ShardCore (shard-core.ts)
 * holds every decision and talks only to this port; the Durable Object gives it SQLite
 * (sqlite-storage.ts), the Node tests and backtests give it memory (memory-storage.ts). Every
 * method is synchronous, so a whole batch's writes sit in one `transaction`.
 *
 * @example const core = new ShardCore(sqliteShardStorage(ctx.storage), { checkpointFacts: 10_000 });
 */
export type ShardStorage = {
  facts: FactLogStore;
  monitors: MonitorStore;
  outbox: OutboxStore;
  /** Runs `fn` so that all of its writes land or none do (a throw rolls them back). */
  transaction<T>(fn: () => T): T;
};

/**
 * Which rows of a log a replay reads: all of them, those the shard got delivered (its own streams'
 * facts and the live facts of streams it follows), or those copied in from another shard's log
 * (`importFacts`: a followed stream's history, seeded at registration).
 */
export type LogRows = "all" | "delivered" | "copied";

/**
 * The parts a saved monitor's replay reads of a home's log, merged by eventId (explain/fact-merge.ts):
 * the whole log when none of its streams has copied rows; otherwise the delivered rows, then each
 * copied stream's rows. One rule for backtest (ShardCore.replayFacts) and explain (explainSources).
 *
 * @example replayParts(["a", "b"], ["b"]) // [{ keys: ["a", "b"], rows: "delivered" }, { keys: ["b"], rows: "copied" }]
 */
export function replayParts(streamKeys: string[], copied: readonly string[]): { keys: string[]; rows: LogRows }[] {
  if (copied.length === 0) return [{ keys: streamKeys, rows: "all" }];
  return [{ keys: streamKeys, rows: "delivered" }, ...copied.map((k) => ({ keys: [k], rows: "copied" as const }))];
}

/** A logged fact's place in the log and in event time. */
export type FactPosition = { seq: number; observedAt: number; eventId: string };

/** The shard's fact log: every new fact in arrival order (stale ones too), by log position (seq). */
export interface FactLogStore {
  /** Which of these eventIds the log already holds. */
  knownFacts(eventIds: string[]): Set<string>;
  /** Appends a batch's new facts, in order; `copied` marks them as copied from another shard's log. */
  append(rows: { fact: AcceptedFact; stale: boolean }[], now: number, copied?: boolean): void;
  /** Which of these streams have copied rows in the log (a saved monitor's replay then merges them in). */
  copiedStreams(streamKeys: string[]): string[];
  /**
   * The applied samples of a series from the newest one at or before `from` (or the first), among
   * the facts logged up to `upToSeq` (the whole log when omitted): the engine's HistoryFn.
   */
  history(streamKey: string, field: string, from: number, upToSeq?: number): Sample[];
  /** Facts of some streams in log order, within an event-time range (exports, backtests); `rows` (default all) filters. */
  factsOf(streamKeys: string[], from?: number, to?: number, rows?: LogRows): AcceptedFact[];
  /** Where a stream's logged facts are, within an event-time range, in log order: seq, observedAt and eventId only. */
  factPositions(streamKey: string, from?: number, to?: number): FactPosition[];
  /** The logged facts at these seqs, in the order given (a page found by factPositions). */
  factsAtSeqs(seqs: number[]): AcceptedFact[];
  /** The facts logged after a position (stale ones included), in log order: a restore's replay. */
  factsAfter(seq: number): Iterable<AcceptedFact>;
  /** The log position the saved engine states reflect. */
  checkpointSeq(): number;
  /** Records that the saved engine states now reflect every fact logged so far. */
  setCheckpoint(): void;
  /** A transaction that logged facts failed: drop whatever was noted about them in memory. */
  forgetPending(): void;
  /** Forgets facts received before `before`, but never one after the checkpoint (a restart replays those). */
  prune(before: number): void;
  /** Which of these streams still have a logged fact. */
  streamsLogged(streamKeys: readonly string[]): Set<string>;
  /** Facts logged, and facts logged since the checkpoint. */
  size(): { factLogSize: number; factsSinceCheckpoint: number };
}

/** Kinds of engine state a shard saves at a checkpoint (IndexedEngine.takeDirty). */
export type EngineStateKind = "monitor" | "stream";

/** The monitors a shard holds (removed ones as tombstones) and the engine's saved states. */
export interface MonitorStore {
  /** The definitions held now (not the removed ones). */
  definitions(): MonitorDefinition[];
  /** Who the held monitors among these wake and belong to (one read for a batch's matches). */
  identities(monitorIds: string[]): Map<string, MonitorIdentity>;
  /** The version held, removed ones included (0 when never seen). */
  version(monitorId: string): number;
  /** Holds `def` at `version`; null records a removal at that version. */
  put(monitorId: string, version: number, def: MonitorDefinition | null): void;
  count(): number;
  states(kind: EngineStateKind): Map<string, unknown>;
  /** Upserts states; a null state deletes the entry. */
  putStates(kind: EngineStateKind, entries: [string, unknown][]): void;
}

/** An outbox entry as the delivery loop reads it. */
export type OutboxRow = {
  match_id: string;
  body: string;
  attempts: number;
  next_attempt_at: number;
  published: number;
  delivered_at: number | null;
  created_at: number;
};

/** One notify attempt's result (deliveredAt null: to be retried at nextAttemptAt). */
export type NotifyOutcome = {
  matchId: string;
  deliveredAt: number | null;
  attempts: number;
  nextAttemptAt: number;
  note: string | null;
};

/** Matches waiting for delivery (a repeated matchId is ignored), and the shard's counters. */
export interface OutboxStore {
  add(match: Match, now: number): void;
  due(now: number, limit: number): OutboxRow[];
  /** When the earliest undelivered entry is due, or undefined when none is. */
  nextAttempt(): number | undefined;
  /**
   * Makes every undelivered entry waiting out a backoff due at `now` (an operator's "retry now");
   * delivered and dropped (refused) entries are left alone. Their backoff starts over (attempts 0):
   * should the cause still be there, they are tried again within seconds, not back at the 5-minute
   * cap. Answers how many it moved: 0 when none waited.
   */
  makeDue(now: number): number;
  /** A delivery round: which matches' events were published, and each notify outcome. */
  recordOutcomes(outcomes: NotifyOutcome[], published: string[]): void;
  /** Forgets matches delivered before `before`. */
  prune(before: number): void;
  backlog(now: number): { outboxBacklog: number; oldestUndeliveredAgeMs: number | null };
  bump(counters: Record<string, number>): void;
  counters(): Record<string, number>;
}
