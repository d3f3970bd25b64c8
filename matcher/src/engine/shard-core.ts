import type { AcceptedFact } from "../../../shared/src/facts";
import type { MonitorDefinition } from "../../../shared/src/monitor";
import { FactLog } from "./fact-log";
import { IndexedEngine } from "./indexed-engine";
import { identityOf, type Match, type MonitorIdentity, type Op } from "./types";

/**
 * Where a shard remembers the eventIds it has accepted: `seen` answers whether it was already
 * there and records it if not. The Durable Object backs it with SQLite; tests use memory.
 */
export interface SeenStore {
  seen(eventId: string): boolean;
}

/** @example const store = memorySeenStore(); store.seen("e1"); // false, then true */
export function memorySeenStore(): SeenStore {
  const ids = new Set<string>();
  return {
    seen(eventId) {
      if (ids.has(eventId)) return true;
      ids.add(eventId);
      return false;
    },
  };
}

export type BatchResult = { applied: number; stale: number; duplicates: number; matches: Match[] };

/**
 * A matcher shard in memory: the indexed engine plus eventId dedupe, the fact log (stale facts
 * included; it backs the engine's history callback and rebuilds), a journal of every op in order,
 * an outbox of matches, and the list of shards following each of its streams (see router.ts).
 * The MatcherShard Durable Object is this, with SQLite underneath.
 *
 * @example
 * const shard = new ShardCore();
 * shard.upsertMonitor(def);
 * const { applied, stale, duplicates, matches } = shard.applyBatch(facts);
 */
export class ShardCore {
  readonly log = new FactLog();
  readonly engine: IndexedEngine;
  private readonly seenStore: SeenStore;
  private readonly ops: Op[] = [];
  private pending: Match[] = [];
  private readonly follows = new Map<string, Map<number, number>>();
  /** The held monitors' identities (the DO's monitors table), joined into each match. */
  private readonly identities = new Map<string, MonitorIdentity>();

  constructor(opts: { seen?: SeenStore } = {}) {
    this.seenStore = opts.seen ?? memorySeenStore();
    this.engine = new IndexedEngine({ history: this.log.history });
  }

  upsertMonitor(def: MonitorDefinition): void {
    this.ops.push({ type: "upsert", def });
    const held = this.engine.versionOf(def.monitorId) ?? 0;
    this.engine.upsertMonitor(def);
    if (def.version > held) this.identities.set(def.monitorId, identityOf(def));
  }

  removeMonitor(monitorId: string): void {
    this.ops.push({ type: "remove", monitorId });
    this.engine.removeMonitor(monitorId);
    this.identities.delete(monitorId);
  }

  /** Dedupes, logs and matches a batch in order; the matches also go to the outbox. */
  applyBatch(facts: readonly AcceptedFact[]): BatchResult {
    const out: BatchResult = { applied: 0, stale: 0, duplicates: 0, matches: [] };
    for (const fact of facts) {
      if (this.seenStore.seen(fact.eventId)) {
        out.duplicates++;
        continue;
      }
      const { stale, matches } = this.engine.applyFact(fact);
      this.log.append(fact, stale);
      this.ops.push({ type: "fact", fact });
      if (stale) out.stale++;
      else out.applied++;
      for (const core of matches) {
        const m = { ...core, ...(this.identities.get(core.monitorId) as MonitorIdentity) };
        out.matches.push(m);
        this.pending.push(m);
      }
    }
    return out;
  }

  /** Hands over the matches not yet delivered (the shell delivers them with retries). */
  takeOutbox(): Match[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }

  /** Every op this shard has applied, in order: replaying it rebuilds the same state. */
  journal(): readonly Op[] {
    return this.ops;
  }

  /** A fresh shard rebuilt from a journal (DESIGN §5: a shard is rebuildable from its own log). */
  static replay(ops: readonly Op[], opts: { seen?: SeenStore } = {}): ShardCore {
    const shard = new ShardCore(opts);
    for (const op of ops) {
      if (op.type === "upsert") shard.upsertMonitor(op.def);
      else if (op.type === "remove") shard.removeMonitor(op.monitorId);
      else shard.applyBatch([op.fact]);
    }
    shard.takeOutbox();
    return shard;
  }

  /** Shards that must also receive this stream's facts (they home monitors reading it). */
  followers(streamKey: string): number[] {
    return [...(this.follows.get(streamKey)?.keys() ?? [])];
  }

  /** Adds one reader on `shard`; true when the stream was not followed by it before. */
  follow(streamKey: string, shard: number): boolean {
    let byShard = this.follows.get(streamKey);
    if (!byShard) {
      byShard = new Map();
      this.follows.set(streamKey, byShard);
    }
    const n = byShard.get(shard) ?? 0;
    byShard.set(shard, n + 1);
    return n === 0;
  }

  unfollow(streamKey: string, shard: number): void {
    const byShard = this.follows.get(streamKey);
    const n = byShard?.get(shard) ?? 0;
    if (!byShard || n <= 1) byShard?.delete(shard);
    else byShard.set(shard, n - 1);
    if (byShard?.size === 0) this.follows.delete(streamKey);
  }
}
