import { DurableObject } from "cloudflare:workers";
import { batchLogLine } from "../../shared/src/batch-log";
import type { AcceptedFact } from "../../shared/src/facts";
import type { MonitorDefinition } from "../../shared/src/monitor";
import { checkpointFacts, restoreFromCheckpoint } from "./engine/checkpoint";
import type { IndexedEngine } from "./engine/indexed-engine";
import { referenceEvaluate } from "./engine/reference";
import type { Match } from "./engine/types";
import type { MatcherEnv } from "./env";
import { deliverOutbox } from "./outbox-delivery";
import { ShardStore } from "./shard-store";

/**
 * One matcher shard: a thin shell over the pure IndexedEngine. Each RPC loads the engine (restored
 * from SQLite after a restart), applies a whole batch in ONE storage transaction (fact log,
 * outbox, and every CHECKPOINT_FACTS facts the engine's state: see engine/checkpoint.ts), and
 * leaves delivery of the outbox to the alarm. A redelivered fact is recognised by its eventId in
 * the fact log and changes nothing, so a retried batch never yields a second match.
 */
/** How long after a batch the alarm re-checks the outbox, in case the immediate delivery died. */
const BACKSTOP_MS = 5_000;

export type ApplyResult = { applied: number; stale: number; duplicates: number; matches: number };

export class MatcherShard extends DurableObject<MatcherEnv> {
  private store?: ShardStore;
  private engine?: IndexedEngine;
  /** Facts logged since the saved engine states (replayed by a restart). */
  private sinceCheckpoint = 0;

  private load(): { store: ShardStore; engine: IndexedEngine } {
    this.store ??= new ShardStore(this.ctx.storage.sql);
    const store = this.store;
    if (!this.engine) {
      const at = store.checkpointSeq();
      const { engine, replayed } = restoreFromCheckpoint({
        defs: store.monitors(),
        monitorStates: store.states("monitor_state"),
        streamStates: store.states("stream_state"),
        historyAtCheckpoint: (key, field, from) => store.history(key, field, from, at),
        history: (key, field, from) => store.history(key, field, from),
        tail: store.factsAfter(at),
      });
      this.engine = engine;
      this.sinceCheckpoint = replayed;
    }
    return { store, engine: this.engine };
  }

  /**
   * Runs `fn` in one transaction, saving the engine's state when a checkpoint is due (always
   * after a monitor change). On failure the in-memory engine is dropped and rebuilt from storage.
   */
  private atomically<T>(checkpoint: "always" | "when-due", fn: (store: ShardStore, engine: IndexedEngine) => T): T {
    const { store, engine } = this.load();
    const save = () => {
      const dirty = engine.takeDirty();
      store.putStates("monitor_state", dirty.monitors);
      store.putStates("stream_state", dirty.streams);
      store.setCheckpoint();
      this.sinceCheckpoint = 0;
    };
    try {
      return this.ctx.storage.transactionSync(() => {
        // A monitor change starts from a checkpoint too: the history it may load is then all in
        // segments, with no facts after the checkpoint to scan.
        if (checkpoint === "always" && this.sinceCheckpoint > 0) save();
        const out = fn(store, engine);
        if (checkpoint === "always" || this.sinceCheckpoint >= checkpointFacts(this.env.CHECKPOINT_FACTS)) save();
        return out;
      });
    } catch (err) {
      this.engine = undefined;
      store.forgetPendingSegments();
      throw err;
    }
  }

  /** Applies a batch of facts (in delivery order). */
  async applyFacts(facts: AcceptedFact[]): Promise<ApplyResult> {
    const now = Date.now();
    const faultAt = this.env.FAULTS?.includes("shard-abort") ? Math.floor(facts.length / 2) : -1;
    const result = this.atomically("when-due", (store, engine) => {
      const r: ApplyResult = { applied: 0, stale: 0, duplicates: 0, matches: 0 };
      const known = store.knownFacts(facts.map((f) => f.eventId));
      const rows: { fact: AcceptedFact; stale: boolean }[] = [];
      const staleIds: string[] = [];
      const matchIds: string[] = [];
      facts.forEach((fact, i) => {
        if (i === faultAt && Math.random() < 0.2) throw new Error("fault injection: shard aborted mid-batch");
        if (known.has(fact.eventId)) {
          r.duplicates++;
          return;
        }
        known.add(fact.eventId);
        const { stale, matches } = engine.applyFact(fact);
        rows.push({ fact, stale });
        if (stale) {
          r.stale++;
          staleIds.push(fact.eventId);
        } else r.applied++;
        for (const m of matches) {
          store.addToOutbox(m, now);
          matchIds.push(m.matchId);
        }
        r.matches += matches.length;
      });
      store.appendFacts(rows, now);
      this.sinceCheckpoint += rows.length;
      // A line per batch (shared/src/batch-log.ts): a replaying producer can send thousands of stale facts.
      if (staleIds.length > 0) console.log(batchLogLine("info", "stale facts logged, not applied", staleIds));
      if (matchIds.length > 0) console.log(batchLogLine("info", "matches recorded", matchIds));
      store.bump({ factsApplied: r.applied, factsStale: r.stale, duplicates: r.duplicates, matches: r.matches });
      return r;
    });
    if (result.matches > 0) {
      // Deliver at once (latency), with the alarm as the durable backstop should this attempt die.
      // One backstop at a time: setting an alarm is a storage write, not worth paying per batch.
      if (!this.backstopArmed) {
        this.backstopArmed = true;
        await this.ctx.storage.setAlarm(Date.now() + BACKSTOP_MS);
      }
      this.ctx.waitUntil(this.drain());
    }
    return result;
  }

  /** Indexes a monitor version; an older version than the one held (or removed) is ignored. */
  async upsertMonitor(def: MonitorDefinition): Promise<{ applied: boolean; version: number }> {
    return this.atomically("always", (store, engine) => {
      const held = store.monitorVersion(def.monitorId);
      if (held >= def.version) return { applied: false, version: held };
      store.putMonitor(def.monitorId, def.version, def);
      engine.upsertMonitor(def);
      return { applied: true, version: def.version };
    });
  }

  /** Many monitor versions in one transaction (bulk loads: benches, resharding). */
  async upsertMonitors(defs: MonitorDefinition[]): Promise<{ applied: number }> {
    return this.atomically("always", (store, engine) => {
      let applied = 0;
      for (const def of defs) {
        if (store.monitorVersion(def.monitorId) >= def.version) continue;
        store.putMonitor(def.monitorId, def.version, def);
        engine.upsertMonitor(def);
        applied++;
      }
      return { applied };
    });
  }

  async removeMonitor(monitorId: string, version: number): Promise<{ applied: boolean }> {
    return this.atomically("always", (store, engine) => {
      if (store.monitorVersion(monitorId) > version) return { applied: false };
      store.putMonitor(monitorId, version, null);
      engine.removeMonitor(monitorId);
      return { applied: true };
    });
  }

  /** The stored facts of some streams (to seed a shard that starts following them). */
  async exportFacts(streamKeys: string[]): Promise<AcceptedFact[]> {
    return this.load().store.factsOf(streamKeys);
  }

  /** Seeds history of followed streams: applied like delivered facts, before the follower's monitor exists. */
  async importFacts(facts: AcceptedFact[]): Promise<ApplyResult> {
    return this.applyFacts(facts);
  }

  /** What the definition would have matched over the stored fact log. No side effects. */
  async backtest(def: MonitorDefinition, streamKeys: string[], from?: number, to?: number): Promise<Match[]> {
    const facts = this.load().store.factsOf(streamKeys);
    const matches = referenceEvaluate([
      { type: "upsert", def: { ...def, enabled: true } },
      ...facts.map((fact) => ({ type: "fact" as const, fact })),
    ]);
    return matches.filter(
      (m) => m.observedAt >= (from ?? Number.NEGATIVE_INFINITY) && m.observedAt <= (to ?? Number.POSITIVE_INFINITY),
    );
  }

  async stats(): Promise<Record<string, number | null>> {
    return this.load().store.stats(Date.now());
  }

  /**
   * Delivers due outbox entries (publish trigger_matched, call notify-trigger-match). One drain at
   * a time per shard: a drain requested while one runs makes it go round again, so no entry is
   * sent twice concurrently and none waits for the next alarm.
   */
  private draining?: Promise<void>;
  private backstopArmed = false;
  private again = false;

  private drain(): Promise<void> {
    if (this.draining) {
      this.again = true;
      return this.draining;
    }
    this.draining = (async () => {
      try {
        let next: number | undefined;
        do {
          this.again = false;
          next = await deliverOutbox(this.load().store, this.env);
        } while (this.again || (next !== undefined && next <= Date.now()));
        if (next !== undefined) {
          this.backstopArmed = true;
          await this.ctx.storage.setAlarm(next);
        }
      } finally {
        this.draining = undefined;
      }
    })();
    return this.draining;
  }

  override async alarm(): Promise<void> {
    this.backstopArmed = false;
    const { store } = this.load();
    const retentionMs = Number(this.env.FACT_LOG_RETENTION_MS ?? 2_592_000_000);
    store.prune(Date.now() - retentionMs);
    await this.drain();
  }
}
