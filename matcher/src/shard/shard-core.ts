import { maybeFail } from "../../../shared/src/contract/faults";
import type { ApplyResult, FactPage, FactPageQuery, ShardStats } from "../../../shared/src/contract/shard-rpc";
import type { Match, MatchCore } from "../../../shared/src/contract/trigger-match";
import type { AcceptedFact } from "../../../shared/src/facts";
import type { MonitorDefinition } from "../../../shared/src/monitor";
import { restoreFromCheckpoint } from "../engine/checkpoint";
import type { IndexedEngine } from "../engine/indexed-engine";
import { mergeLogs } from "../explain/fact-merge";
import { BatchReport } from "./batch-report";
import { positionPage } from "./fact-page";
import { replayParts, type ShardStorage } from "./storage-port";

export type ShardOptions = {
  /** Facts between two saves of the engine's state (engine/checkpoint.ts). */
  checkpointFacts: number;
  /** Fault switches (load tests only; shared/src/contract/faults.ts). */
  faults?: string;
  /** Where the per-batch log lines go (default console.log; a backtest records nothing). */
  log?: (line: string) => void;
};

/**
 * One matcher shard's logic over its storage port, the same in the Durable Object (SQLite) and in
 * the Node tests (memory): eventId dedupe, the indexed engine (restored from the last checkpoint
 * plus a replay of the facts logged since), the fact log, outbox rows joined with the monitor's
 * identity, counters, and when to checkpoint. Each call is one transaction; if it throws, the
 * in-memory engine is dropped and rebuilt from storage, so memory never runs ahead of what landed.
 *
 * @example
 * const shard = new ShardCore(memoryShardStorage(), { checkpointFacts: 10_000 });
 * shard.upsertMonitor(def);
 * shard.applyFacts(facts, Date.now()); // { applied, stale, duplicates, matches }
 */
/** The counters applyFacts bumps; stats reports each, 0 until it first moves. */
const ZERO_COUNTERS = {
  factsApplied: 0,
  factsStale: 0,
  duplicates: 0,
  matches: 0,
  factsUnwatched: 0,
  // Bumped by outbox delivery (outbox-delivery.ts).
  matchesDelivered: 0,
  matchesRefused: 0,
  notifyFailures: 0,
};

export class ShardCore {
  private engine?: IndexedEngine;
  /** Facts logged since the saved engine states (replayed by a restart). */
  private sinceCheckpoint = 0;

  constructor(
    readonly storage: ShardStorage,
    private readonly options: ShardOptions,
  ) {}

  /** The live engine: restored from storage on first use and after a failed transaction. */
  loadEngine(): IndexedEngine {
    if (this.engine) return this.engine;
    const { facts, monitors } = this.storage;
    const at = facts.checkpointSeq();
    const { engine, replayed } = restoreFromCheckpoint({
      defs: monitors.definitions(),
      monitorStates: monitors.states("monitor"),
      streamStates: monitors.states("stream"),
      historyAtCheckpoint: (key, field, from) => facts.history(key, field, from, at),
      history: (key, field, from) => facts.history(key, field, from),
      tail: facts.factsAfter(at),
    });
    this.engine = engine;
    this.sinceCheckpoint = replayed;
    return engine;
  }

  /** Applies a batch of facts in delivery order, in one transaction. */
  applyFacts(facts: readonly AcceptedFact[], now: number, followed: readonly string[] = []): ApplyResult {
    return this.apply(facts, now, false, new Set(followed));
  }

  /**
   * Applies a chunk of another shard's log (a followed stream's history) like delivered facts,
   * logged as copied: a saved monitor's replay merges those rows in by eventId (replayFacts).
   */
  importFacts(facts: readonly AcceptedFact[], now: number): ApplyResult {
    return this.apply(facts, now, true, undefined);
  }

  /**
   * `followed`: the stream keys of this batch that a monitor homed on another shard reads (the
   * consumer's follower map). A fact of a stream no monitor reads, here or there, is counted as
   * unwatched (a typo'd subject, a feed nobody watches); copied history is not counted.
   */
  private apply(
    facts: readonly AcceptedFact[],
    now: number,
    copied: boolean,
    followed: ReadonlySet<string> | undefined,
  ): ApplyResult {
    return this.atomically("when-due", (engine) => {
      const result: ApplyResult = { applied: 0, stale: 0, duplicates: 0, matches: 0 };
      const known = this.storage.facts.knownFacts(facts.map((f) => f.eventId));
      const rows: { fact: AcceptedFact; stale: boolean }[] = [];
      const report = new BatchReport();
      const found: MatchCore[] = [];
      const applyRange = (from: number, to: number) => {
        for (let i = from; i < to; i++) {
          const fact = facts[i] as AcceptedFact;
          if (known.has(fact.eventId)) {
            result.duplicates++;
            continue;
          }
          known.add(fact.eventId);
          const { stale, matches } = engine.applyFact(fact);
          rows.push({ fact, stale });
          if (stale) {
            result.stale++;
            report.stale(fact);
          } else result.applied++;
          if (followed && !followed.has(fact.streamKey) && !engine.reads(fact.streamKey)) report.unwatched(fact);
          for (const core of matches) found.push(core);
          result.matches += matches.length;
        }
      };
      const middle = facts.length >> 1;
      applyRange(0, middle);
      // The fault run's "shard dies mid-batch": the transaction rolls back and the consumer retries.
      maybeFail(this.options.faults, "shard-abort", 0.2);
      applyRange(middle, facts.length);
      this.recordMatches(found, now);
      this.storage.facts.append(rows, now, copied);
      this.sinceCheckpoint += rows.length;
      report.write(this.options.log ?? console.log, found);
      this.storage.outbox.bump({
        factsApplied: result.applied,
        factsStale: result.stale,
        duplicates: result.duplicates,
        matches: result.matches,
        factsUnwatched: report.unwatchedCount,
      });
      return result;
    });
  }

  /** Indexes a monitor version; a version at most the one held (or removed) is ignored. */
  upsertMonitor(def: MonitorDefinition): { applied: boolean; version: number } {
    return this.atomically("always", (engine) => {
      const held = this.storage.monitors.version(def.monitorId);
      if (held >= def.version) return { applied: false, version: held };
      this.storage.monitors.put(def.monitorId, def.version, def);
      engine.upsertMonitor(def);
      return { applied: true, version: def.version };
    });
  }

  /** Many monitor versions in one transaction (bulk loads: benches, resharding). */
  upsertMonitors(defs: readonly MonitorDefinition[]): { applied: number } {
    return this.atomically("always", (engine) => {
      let applied = 0;
      for (const def of defs) {
        if (this.storage.monitors.version(def.monitorId) >= def.version) continue;
        this.storage.monitors.put(def.monitorId, def.version, def);
        engine.upsertMonitor(def);
        applied++;
      }
      return { applied };
    });
  }

  /** Removes a monitor at `version`, kept as a tombstone so an older version cannot come back. */
  removeMonitor(monitorId: string, version: number): { applied: boolean } {
    return this.atomically("always", (engine) => {
      if (this.storage.monitors.version(monitorId) > version) return { applied: false };
      this.storage.monitors.put(monitorId, version, null);
      engine.removeMonitor(monitorId);
      return { applied: true };
    });
  }

  /** The logged facts of some streams, in log order. */
  exportFacts(streamKeys: string[]): AcceptedFact[] {
    return this.storage.facts.factsOf(streamKeys);
  }

  /**
   * The logged facts of some streams in the order a saved monitor's backtest and explain replay
   * them: the delivered rows in log order, with each stream's copied rows (in their log order)
   * merged in by eventId (explain/fact-merge.ts), as explain's sources read them (explain-merged.ts).
   */
  replayFacts(streamKeys: string[]): AcceptedFact[] {
    const log = this.storage.facts;
    const parts = replayParts(streamKeys, log.copiedStreams(streamKeys));
    const all = [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY] as const;
    return mergeLogs(parts.map((p) => log.factsOf(p.keys, ...all, p.rows)));
  }

  /** A page of one stream's logged facts in event-time order (see factPage). */
  readFacts(streamKey: string, query: FactPageQuery): FactPage {
    const log = this.storage.facts;
    const { items, nextCursor } = positionPage(log.factPositions(streamKey, query.from, query.to), query);
    return { facts: log.factsAtSeqs(items.map((p) => p.seq)), nextCursor };
  }

  stats(now: number): ShardStats {
    return {
      // A counter is stored from its first bump on; one that never moved is 0, not missing (the
      // console and `fabric stats` showed a shard's absent counters as unknown).
      ...ZERO_COUNTERS,
      ...this.storage.outbox.counters(),
      ...this.storage.outbox.backlog(now),
      monitors: this.storage.monitors.count(),
      ...this.storage.facts.size(),
    };
  }

  /**
   * Retention: forget facts received, and matches delivered, before `before`, then the streams no
   * monitor reads whose facts are all gone (else their states would grow with every stream ever
   * seen: delisted symbols, closed portfolios). Such a stream's next fact is applied as its first.
   */
  prune(before: number): void {
    this.storage.facts.prune(before);
    this.storage.outbox.prune(before);
    // Only a loaded engine can have gained streams since: an idle shard is not restored (at a
    // million monitors, seconds of work) just to find none.
    if (!this.engine) return;
    this.atomically("when-due", (engine) => {
      const unread = engine.unreadStreams();
      if (unread.length === 0) return;
      const logged = this.storage.facts.streamsLogged(unread);
      const gone = engine.forgetStreams(unread.filter((key) => !logged.has(key)));
      this.storage.monitors.putStates(
        "stream",
        gone.map((key) => [key, null]),
      );
    });
  }

  /**
   * Runs `fn` in one transaction, saving the engine's state when a checkpoint is due (always
   * after a monitor change). On failure the in-memory engine is dropped and rebuilt from storage.
   */
  atomically<T>(checkpoint: "always" | "when-due", fn: (engine: IndexedEngine) => T): T {
    const engine = this.loadEngine();
    try {
      return this.storage.transaction(() => {
        // A monitor change starts from a checkpoint too: the history it may load is then all in
        // the checkpointed log, with no facts after the checkpoint to scan.
        if (checkpoint === "always" && this.sinceCheckpoint > 0) this.saveEngine(engine);
        const out = fn(engine);
        if (checkpoint === "always" || this.sinceCheckpoint >= this.options.checkpointFacts) this.saveEngine(engine);
        return out;
      });
    } catch (err) {
      this.engine = undefined;
      this.storage.facts.forgetPending();
      throw err;
    }
  }

  private saveEngine(engine: IndexedEngine): void {
    const dirty = engine.takeDirty();
    this.storage.monitors.putStates("monitor", dirty.monitors);
    this.storage.monitors.putStates("stream", dirty.streams);
    this.storage.facts.setCheckpoint();
    this.sinceCheckpoint = 0;
  }

  /**
   * Outbox rows for a batch's matches, each joined with the identity of the monitor held now (the
   * version that matched), read once for the whole batch: a crash crossing thousands of monitors
   * in one fact reads them in one query, not one each.
   */
  private recordMatches(found: MatchCore[], now: number): void {
    if (found.length === 0) return;
    const identities = this.storage.monitors.identities([...new Set(found.map((m) => m.monitorId))]);
    for (const core of found) {
      const identity = identities.get(core.monitorId);
      if (!identity) throw new Error(`match ${core.matchId} of a monitor this shard does not hold`);
      this.storage.outbox.add({ ...core, ...identity } satisfies Match, now);
    }
  }
}
