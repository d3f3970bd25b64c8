import { DurableObject } from "cloudflare:workers";
import type { ExplainRange } from "../../shared/src/contract/explain";
import type {
  ApplyResult,
  DeliveryNotes,
  DeliveryRetry,
  ExplainResult,
  FactPage,
  FactPageQuery,
  LogEntry,
  MatcherShardRpc,
  PulledStream,
  ShardStats,
  StreamListQuery,
} from "../../shared/src/contract/shard-rpc";
import { shardName } from "../../shared/src/contract/topology";
import type { Match } from "../../shared/src/contract/trigger-match";
import type { AcceptedFact } from "../../shared/src/facts";
import type { MonitorDefinition } from "../../shared/src/monitor";
import type { ShardStreamPage } from "../../shared/src/stream-list";
import { checkpointFacts } from "./engine/checkpoint";
import type { MatcherEnv } from "./env";
import { ExplainCache } from "./explain/explain-cache";
import { explainCached } from "./explain/explain-cached";
import { explainMerged, explainSources, MERGE_CHUNK_ROWS } from "./explain/explain-merged";
import { deliverOutbox } from "./outbox-delivery";
import { backtest } from "./shard/backtest";
import { retentionMs, sweepEveryMs } from "./shard/retention-sweep";
import { ShardCore } from "./shard/shard-core";
import { type DeliveryNoteStore, sqliteDeliveryNotes } from "./shard/sqlite-delivery-notes";
import { firstLoggedSeq, loggedChunk, loggedFacts, sqliteLogReader } from "./shard/sqlite-fact-chunks";
import { forgetRegistration, recordRegistration, registrationOf } from "./shard/sqlite-registrations";
import { sqliteShardStorage } from "./shard/sqlite-storage";
import { listStoredStreams } from "./shard/sqlite-stream-list";

/** How long after a batch the alarm re-checks the outbox, in case the immediate delivery died. */
const BACKSTOP_MS = 5_000;

/**
 * One matcher shard: a thin shell that runs ShardCore (shard/shard-core.ts, the same module the
 * Node tests prove) over this object's SQLite, and delivers the outbox after each batch that
 * matched, with the alarm as the durable backstop and the retention sweep.
 */
export class MatcherShard extends DurableObject<MatcherEnv> implements MatcherShardRpc {
  private core?: ShardCore;
  private notesStore?: DeliveryNoteStore;
  private draining?: Promise<void>;
  private drainAgain = false;
  private backstopArmed = false;
  /** An alarm is known to be set (so the retention sweep will run); checked once per wake-up otherwise. */
  private alarmKnown = false;
  /** Replays that served recent explain pages, so the next page by cursor need not replay the log. */
  private readonly explains = new ExplainCache();

  private shard(): ShardCore {
    this.core ??= new ShardCore(sqliteShardStorage(this.ctx.storage), {
      checkpointFacts: checkpointFacts(this.env.CHECKPOINT_FACTS),
      ...(this.env.FAULTS ? { faults: this.env.FAULTS } : {}),
    });
    return this.core;
  }

  async applyFacts(facts: AcceptedFact[], followed: string[] = []): Promise<ApplyResult> {
    return this.delivering(this.shard().applyFacts(facts, Date.now(), followed));
  }

  /** Delivers a batch's matches, if it had any, and makes sure the retention sweep will run. */
  private async delivering(result: ApplyResult): Promise<ApplyResult> {
    if (!this.alarmKnown && result.matches === 0) {
      this.alarmKnown = true;
      if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + this.sweepMs());
    }
    if (result.matches > 0) await this.deliverSoon();
    return result;
  }

  /**
   * Starts a delivery now (latency), with the alarm as the durable backstop should this attempt die.
   * One backstop at a time: setting an alarm is a storage write, not worth paying per batch.
   */
  private async deliverSoon(): Promise<void> {
    this.alarmKnown = true;
    if (!this.backstopArmed) {
      this.backstopArmed = true;
      await this.ctx.storage.setAlarm(Date.now() + BACKSTOP_MS);
    }
    this.ctx.waitUntil(this.drain());
  }

  /**
   * Moves the backed-off entries to now and runs the same drain as after a batch: drain() is one
   * loop per shard, so an entry in flight is not picked again until its outcome is written.
   */
  async retryDeliveries(): Promise<DeliveryRetry> {
    const outbox = this.shard().storage.outbox;
    const now = Date.now();
    const madeDue = outbox.makeDue(now);
    const undelivered = outbox.backlog(now).outboxBacklog;
    if (undelivered > 0) await this.deliverSoon();
    return { madeDue, undelivered };
  }

  async upsertMonitor(def: MonitorDefinition): Promise<{ applied: boolean; version: number }> {
    const out = this.shard().upsertMonitor(def);
    // Same turn, no await between: the two writes land together (the DO's output gate).
    if (out.applied) recordRegistration(this.ctx.storage.sql, def.monitorId, def.version);
    return out;
  }

  async upsertMonitors(defs: MonitorDefinition[]): Promise<{ applied: number }> {
    return this.shard().upsertMonitors(defs);
  }

  async removeMonitor(monitorId: string, version: number): Promise<{ applied: boolean }> {
    const out = this.shard().removeMonitor(monitorId, version);
    if (out.applied) forgetRegistration(this.ctx.storage.sql, monitorId);
    return out;
  }

  async exportFacts(streamKeys: string[]): Promise<AcceptedFact[]> {
    return this.shard().exportFacts(streamKeys);
  }

  /** Seeds history of followed streams: applied like delivered facts, logged as copied. */
  async importFacts(facts: AcceptedFact[]): Promise<ApplyResult> {
    return this.delivering(this.shard().importFacts(facts, Date.now()));
  }

  /** Over the log in the order explain replays it (copied history merged in by eventId, ShardCore.replayFacts). */
  async backtest(def: MonitorDefinition, streamKeys: string[], from?: number, to?: number): Promise<Match[]> {
    return backtest(def, this.shard().replayFacts(streamKeys), from, to);
  }

  /**
   * Reads the log in chunks and stops once the page is full; a page by cursor continues the replay
   * the previous page left in memory when it is still there (explain-cached.ts). The streams of
   * `pull` (a draft's, that this shard does not follow) are read from their owners by RPC, chunk by
   * chunk, and merged with this log (explain-merged.ts). The facts table exists once the core is up.
   */
  async explain(
    def: MonitorDefinition,
    streamKeys: string[],
    range: ExplainRange,
    pull: PulledStream[] = [],
    saved = false,
  ): Promise<ExplainResult> {
    this.shard();
    const sql = this.ctx.storage.sql;
    const registration = saved ? registrationOf(sql, def.monitorId, def.version, streamKeys) : undefined;
    const sources = await explainSources(sqliteLogReader(sql), streamKeys, pull, (n) => {
      const owner = this.env.SHARDS.get(this.env.SHARDS.idFromName(shardName(n)));
      return { read: (keys, after, limit) => owner.readLog(keys, after, limit), start: (keys) => owner.logStart(keys) };
    });
    if (sources.length > 1) return explainMerged(this.explains, def, sources, range, MERGE_CHUNK_ROWS, registration);
    const log = (keys: string[], at: { seq: number }) => loggedFacts(sql, keys, at);
    const start = firstLoggedSeq(sql, streamKeys);
    return explainCached(this.explains, def, streamKeys, range, log, start, registration);
  }

  async readLog(streamKeys: string[], afterSeq: number, limit: number): Promise<LogEntry[]> {
    this.shard();
    return loggedChunk(this.ctx.storage.sql, streamKeys, afterSeq, limit);
  }

  async logStart(streamKeys: string[]): Promise<number> {
    this.shard();
    return firstLoggedSeq(this.ctx.storage.sql, streamKeys);
  }

  async readFacts(streamKey: string, query: FactPageQuery): Promise<FactPage> {
    return this.shard().readFacts(streamKey, query);
  }

  /** Read from the log's own tables (shard/sqlite-stream-list.ts), which exist once the core is up. */
  async listStreams(query: StreamListQuery): Promise<ShardStreamPage> {
    this.shard();
    return listStoredStreams(this.ctx.storage.sql, query);
  }

  async stats(): Promise<ShardStats> {
    return this.shard().stats(Date.now());
  }

  async deliveryNotes(): Promise<DeliveryNotes> {
    return this.notes().read();
  }

  private notes(): DeliveryNoteStore {
    this.notesStore ??= sqliteDeliveryNotes(this.ctx.storage.sql);
    return this.notesStore;
  }

  /**
   * The retention sweep, then outbox delivery. Whatever woke it, it leaves an alarm set while the
   * shard holds anything to prune: the next delivery attempt if one is due, else the next sweep.
   */
  override async alarm(): Promise<void> {
    this.backstopArmed = false;
    this.alarmKnown = false;
    this.shard().prune(Date.now() - retentionMs(this.env));
    await this.drain();
    if (this.alarmKnown || !this.holdsRetained()) return;
    this.alarmKnown = true;
    await this.ctx.storage.setAlarm(Date.now() + this.sweepMs());
  }

  private sweepMs(): number {
    return sweepEveryMs(retentionMs(this.env));
  }

  /** Facts, or delivered outbox rows, that a later sweep will prune. */
  private holdsRetained(): boolean {
    return (
      this.ctx.storage.sql
        .exec<{ n: number }>("SELECT EXISTS (SELECT 1 FROM facts) OR EXISTS (SELECT 1 FROM outbox) AS n")
        .one().n === 1
    );
  }

  /**
   * Delivers due outbox entries (publish trigger_matched, call notify-trigger-match). One drain at
   * a time per shard: a drain requested while one runs makes it go round again, so no entry is
   * sent twice concurrently and none waits for the next alarm.
   */
  private drain(): Promise<void> {
    if (this.draining) {
      this.drainAgain = true;
      return this.draining;
    }
    this.draining = (async () => {
      try {
        let next: number | undefined;
        do {
          this.drainAgain = false;
          next = await deliverOutbox(this.shard().storage.outbox, this.env, this.notes());
        } while (this.drainAgain || (next !== undefined && next <= Date.now()));
        if (next !== undefined) {
          this.backstopArmed = true;
          this.alarmKnown = true;
          await this.ctx.storage.setAlarm(next);
        }
      } finally {
        this.draining = undefined;
      }
    })();
    return this.draining;
  }
}
