import type { AcceptedFact } from "../facts";
import type { MonitorDefinition } from "../monitor";
import type { ShardStreamPage, StreamFilter } from "../stream-list";
import type { ExplainPage, ExplainRange } from "./explain";
import type { Match } from "./trigger-match";

/**
 * The RPC surfaces one Worker calls on another's Durable Objects, typed here so that the caller
 * binds `DurableObjectNamespace<MatcherShardRpc>` without importing the other Worker's class. Each
 * class `implements` its interface, so the two cannot drift apart.
 *
 * @example env.SHARDS.get(env.SHARDS.idFromName(shardName(n))).applyFacts(facts)
 */

/** What a shard did with a batch: new facts applied, stale ones logged only, repeats dropped, matches recorded. */
export type ApplyResult = { applied: number; stale: number; duplicates: number; matches: number };

/** Shard counters and gauges for /v1/admin/shards (factsApplied, matches, outboxBacklog, …). */
export type ShardStats = Record<string, number | null>;

/** One notify-trigger-match answer that was not a delivery: the HTTP status (0: no answer) and its reason. */
export type DeliveryNote = { matchId: string; status: number; reason: string; at: number };

/**
 * A shard's last notify failure (the match is retried), last refusal (the match is dropped), and
 * when it last delivered one (a failure older than that was followed by deliveries).
 */
export type DeliveryNotes = {
  lastFailure: DeliveryNote | null;
  lastRefusal: DeliveryNote | null;
  lastDeliveredAt: number | null;
};

/**
 * What a shard's "retry now" did: undelivered outbox entries it made due at once (they were waiting
 * out a backoff), and how many entries are undelivered in all (due now, or being delivered).
 */
export type DeliveryRetry = { madeDue: number; undelivered: number };

/** A matcher shard (matcher Worker, `MatcherShard`): called by the facts consumer and the monitor registry. */
export interface MatcherShardRpc extends Rpc.DurableObjectBranded {
  /**
   * Applies a batch of facts in delivery order; a repeated eventId changes nothing. `followed`: the
   * batch's stream keys that monitors on other shards read (so they are not counted as unwatched).
   */
  applyFacts(facts: AcceptedFact[], followed?: string[]): Promise<ApplyResult>;
  /** Indexes a monitor version; a version at most the one held (or removed) is ignored. */
  upsertMonitor(def: MonitorDefinition): Promise<{ applied: boolean; version: number }>;
  /** Many monitor versions in one transaction (bulk loads). */
  upsertMonitors(defs: MonitorDefinition[]): Promise<{ applied: number }>;
  /** Removes a monitor at a version (kept as a tombstone so an older version cannot come back). */
  removeMonitor(monitorId: string, version: number): Promise<{ applied: boolean }>;
  /** The logged facts of some streams, in log order, all at once (tests and small reads; a follower is seeded through readLog in chunks). */
  exportFacts(streamKeys: string[]): Promise<AcceptedFact[]>;
  /**
   * Seeds a followed stream's history (a chunk of the owner's readLog): applied like delivered
   * facts, repeats dropped, and logged as copied, so that replays merge them in by eventId.
   */
  importFacts(facts: AcceptedFact[]): Promise<ApplyResult>;
  /**
   * What a definition would have matched over the stored log, with no side effects: replayed in
   * explain's order (delivered rows in log order, each stream's copied rows merged in by eventId).
   */
  backtest(def: MonitorDefinition, streamKeys: string[], from?: number, to?: number): Promise<Match[]>;
  /**
   * One page of why a definition did or did not fire over the stored log of its streams (no side
   * effects, like backtest), or why the cursor cannot continue. `pull` (a definition not saved)
   * names streams other shards own that this shard does not follow now: each is read from its
   * owner in chunks, not from any copy here, and merged with this shard's log (explain/fact-merge.ts).
   * `saved`: `def` is the version this shard holds, replayed from where it was registered, as live.
   */
  explain(
    def: MonitorDefinition,
    streamKeys: string[],
    range: ExplainRange,
    pull?: PulledStream[],
    saved?: boolean,
  ): Promise<ExplainResult>;
  /** Up to `limit` stored facts of some streams after log position `afterSeq`, in log order, with their positions. */
  readLog(streamKeys: string[], afterSeq: number, limit: number): Promise<LogEntry[]>;
  /** The log position of the first stored fact of these streams (0: none), which moves when retention prunes. */
  logStart(streamKeys: string[]): Promise<number>;
  stats(): Promise<ShardStats>;
  /**
   * "Retry now" after a delivery incident: every undelivered, not dropped outbox entry waiting out a
   * backoff becomes due now, and the shard's delivery runs at once (one round at a time, as ever,
   * so nothing is sent twice). Idempotent: a second call finds nothing waiting and moves nothing.
   */
  retryDeliveries(): Promise<DeliveryRetry>;
  /** Why this shard's outbox last failed to deliver, or had a match refused (null: never). */
  deliveryNotes(): Promise<DeliveryNotes>;
  /** A page of one stream's stored facts in event-time order (observedAt, then eventId), after a cursor. */
  readFacts(streamKey: string, page: FactPageQuery): Promise<FactPage>;
  /**
   * A page of the streams this shard owns (its stored facts' streams that `owner` places here, not
   * the followed streams it holds copies of), in key order after `after`, with their stored fact
   * counts and event-time span: GET /v1/streams merges the shards' pages.
   */
  listStreams(query: StreamListQuery): Promise<ShardStreamPage>;
}

/** Which streams a shard lists: those `owner` places on it, after `after` in key order, kept by the filter. */
export type StreamListQuery = StreamFilter & {
  owner: { shard: number; shardCount: number };
  after?: string;
  limit: number;
};

/** A stream a shard's explain may read from the shard that owns it. */
export type PulledStream = { streamKey: string; owner: number };

/** A stored fact and its position (seq) in its shard's log. */
export type LogEntry = { seq: number; fact: AcceptedFact };

/** An explain page, or why its cursor cannot continue (a 400 at the API). */
export type ExplainResult = { page: ExplainPage } | { badCursor: string };

/** Which stored facts of a stream to read: observedAt within [from, to], after `cursor`. */
/** `order: "desc"` pages from the newest fact back (a chart of a long stream's recent end). */
export type FactPageQuery = { from?: number; to?: number; limit: number; cursor?: string; order?: "asc" | "desc" };

/** A page of stored facts; `nextCursor` continues after the last one (null: no more). */
export type FactPage = { facts: AcceptedFact[]; nextCursor: string | null };

/** Stream key → the shards that follow it (they home monitors reading it). */
export type FollowerMap = Readonly<Record<string, readonly number[]>>;

/** The follower table (matcher Worker, `StreamRoutes`, one object named ROUTES_NAME). */
export interface StreamRoutesRpc extends Rpc.DurableObjectBranded {
  /** Sets the streams a monitor follows from its home shard (replacing what it followed); returns the table's version. */
  setFollows(monitorId: string, home: number, streamKeys: string[]): number;
  /** The follower map, or null when the caller's version is current. */
  snapshot(sinceVersion: number): { version: number; followers: FollowerMap } | null;
  /** The shards that follow each of these streams now (a stream no shard follows is absent). */
  followersOf(streamKeys: string[]): FollowerMap;
}

/** The fact journal (ingest Worker, `FactJournal`, objects named journalName(n)): the matcher acknowledges applied messages. */
export interface FactJournalRpc extends Rpc.DurableObjectBranded {
  append(entries: { id: string; body: Uint8Array }[]): Promise<void>;
  ack(ids: string[]): Promise<void>;
  pending(): Promise<{ count: number; oldestAgeMs: number | null }>;
}
