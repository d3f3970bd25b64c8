import type { LogEntry } from "../../../shared/src/contract/shard-rpc";
import type { MonitorIdentity } from "../../../shared/src/contract/trigger-match";
import { readField } from "../../../shared/src/fact-values";
import type { AcceptedFact } from "../../../shared/src/facts";
import type { MonitorDefinition } from "../../../shared/src/monitor";
import { identityOf, type Sample } from "../engine/types";
import { MemoryOutbox } from "./memory-outbox";
import type { FactLogStore, LogRows, MonitorStore, ShardStorage } from "./storage-port";

type Logged = { seq: number; fact: AcceptedFact; stale: boolean; receivedAt: number; copied: boolean };

/** Whether a row is among `rows`. */
function among(row: Logged, rows: LogRows): boolean {
  return rows === "all" || (rows === "copied") === row.copied;
}

/**
 * The shard's storage port in memory: the Node tests run ShardCore over it, and a backtest replays
 * a stored log through it. Same contract as the SQLite stores, without their indexes; a
 * transaction snapshots the (copy-on-write) state and puts it back if the work throws.
 *
 * @example const shard = new ShardCore(memoryShardStorage(), { checkpointFacts: 5 });
 */
export function memoryShardStorage(): ShardStorage & {
  facts: MemoryFactLog;
  monitors: MemoryMonitors;
  outbox: MemoryOutbox;
} {
  const facts = new MemoryFactLog();
  const monitors = new MemoryMonitors();
  const outbox = new MemoryOutbox();
  return {
    facts,
    monitors,
    outbox,
    transaction<T>(fn: () => T): T {
      const saved = [facts.save(), monitors.save(), outbox.save()];
      try {
        return fn();
      } catch (err) {
        for (const restore of saved) restore();
        throw err;
      }
    },
  };
}

export class MemoryFactLog implements FactLogStore {
  private log: Logged[] = [];
  private ids = new Set<string>();
  private checkpoint = 0;
  private nextSeq = 1;

  /** The log only grows inside a transaction, so undoing one cuts it back to its length. */
  save(): () => void {
    const { checkpoint, nextSeq } = this;
    const length = this.log.length;
    return () => {
      for (const r of this.log.splice(length)) this.ids.delete(r.fact.eventId);
      Object.assign(this, { checkpoint, nextSeq });
    };
  }

  knownFacts(eventIds: string[]): Set<string> {
    return new Set(eventIds.filter((id) => this.ids.has(id)));
  }

  append(rows: { fact: AcceptedFact; stale: boolean }[], now: number, copied = false): void {
    for (const { fact, stale } of rows) {
      this.log.push({ seq: this.nextSeq++, fact, stale, receivedAt: now, copied });
      this.ids.add(fact.eventId);
    }
  }

  copiedStreams(streamKeys: string[]): string[] {
    return streamKeys.filter((k) => this.log.some((r) => r.copied && r.fact.streamKey === k));
  }

  /** Up to `limit` rows of some streams after position `afterSeq`, with their seqs: what sqliteLogReader reads. */
  entries(streamKeys: string[], afterSeq: number, limit: number, rows: LogRows = "all"): LogEntry[] {
    const keys = new Set(streamKeys);
    return this.log
      .filter((r) => r.seq > afterSeq && keys.has(r.fact.streamKey) && among(r, rows))
      .slice(0, limit)
      .map((r) => ({ seq: r.seq, fact: r.fact }));
  }

  /** The seq of the first stored fact of these streams (0 when there is none). */
  start(streamKeys: string[]): number {
    return this.entries(streamKeys, 0, 1)[0]?.seq ?? 0;
  }

  history(streamKey: string, field: string, from: number, upToSeq = Number.POSITIVE_INFINITY): Sample[] {
    const newestFirst: Sample[] = [];
    for (let i = this.log.length - 1; i >= 0; i--) {
      const row = this.log[i] as Logged;
      if (row.seq > upToSeq || row.stale || row.fact.streamKey !== streamKey) continue;
      const value = readField(row.fact, field);
      if (value === undefined) continue;
      newestFirst.push({ observedAt: row.fact.observedAt, value });
      if (row.fact.observedAt <= from) break;
    }
    return newestFirst.reverse();
  }

  factsOf(
    streamKeys: string[],
    from = Number.NEGATIVE_INFINITY,
    to = Number.POSITIVE_INFINITY,
    rows: LogRows = "all",
  ): AcceptedFact[] {
    const keys = new Set(streamKeys);
    return this.log
      .filter(
        (r) => keys.has(r.fact.streamKey) && r.fact.observedAt >= from && r.fact.observedAt <= to && among(r, rows),
      )
      .map((r) => r.fact);
  }

  factPositions(
    streamKey: string,
    from = Number.NEGATIVE_INFINITY,
    to = Number.POSITIVE_INFINITY,
  ): { seq: number; observedAt: number; eventId: string }[] {
    return this.log
      .filter((r) => r.fact.streamKey === streamKey && r.fact.observedAt >= from && r.fact.observedAt <= to)
      .map((r) => ({ seq: r.seq, observedAt: r.fact.observedAt, eventId: r.fact.eventId }));
  }

  factsAtSeqs(seqs: number[]): AcceptedFact[] {
    const bySeq = new Map(this.log.map((r) => [r.seq, r.fact]));
    return seqs.flatMap((seq) => {
      const fact = bySeq.get(seq);
      return fact ? [fact] : [];
    });
  }

  factsAfter(seq: number): AcceptedFact[] {
    return this.log.filter((r) => r.seq > seq).map((r) => r.fact);
  }

  checkpointSeq(): number {
    return this.checkpoint;
  }

  setCheckpoint(): void {
    this.checkpoint = this.nextSeq - 1;
  }

  forgetPending(): void {}

  prune(before: number): void {
    const firstKept = this.log.findIndex((r) => r.receivedAt >= before || r.seq > this.checkpoint);
    const dropped = firstKept === -1 ? this.log : this.log.slice(0, firstKept);
    for (const r of dropped) this.ids.delete(r.fact.eventId);
    this.log = firstKept === -1 ? [] : this.log.slice(firstKept);
  }

  streamsLogged(streamKeys: readonly string[]): Set<string> {
    const wanted = new Set(streamKeys);
    return new Set(this.log.filter((r) => wanted.has(r.fact.streamKey)).map((r) => r.fact.streamKey));
  }

  size(): { factLogSize: number; factsSinceCheckpoint: number } {
    return {
      factLogSize: this.log.length,
      factsSinceCheckpoint: this.log.filter((r) => r.seq > this.checkpoint).length,
    };
  }
}

export class MemoryMonitors implements MonitorStore {
  private held = new Map<string, { version: number; def: MonitorDefinition | null }>();
  private engineStates = { monitor: new Map<string, unknown>(), stream: new Map<string, unknown>() };

  save(): () => void {
    const held = new Map(this.held);
    const engineStates = { monitor: new Map(this.engineStates.monitor), stream: new Map(this.engineStates.stream) };
    return () => Object.assign(this, { held, engineStates });
  }

  definitions(): MonitorDefinition[] {
    return [...this.held.values()].flatMap((h) => (h.def ? [h.def] : []));
  }

  identities(monitorIds: string[]) {
    const out = new Map<string, MonitorIdentity>();
    for (const id of monitorIds) {
      const def = this.held.get(id)?.def;
      if (def) out.set(id, identityOf(def));
    }
    return out;
  }

  version(monitorId: string): number {
    return this.held.get(monitorId)?.version ?? 0;
  }

  put(monitorId: string, version: number, def: MonitorDefinition | null): void {
    this.held.set(monitorId, { version, def });
  }

  count(): number {
    return this.definitions().length;
  }

  /** Copies, as SQLite's JSON round trip would: the engine must not share objects with its saved state. */
  states(kind: "monitor" | "stream"): Map<string, unknown> {
    return new Map([...this.engineStates[kind]].map(([k, s]) => [k, structuredClone(s)]));
  }

  putStates(kind: "monitor" | "stream", entries: [string, unknown][]): void {
    for (const [k, state] of entries) {
      if (state === null) this.engineStates[kind].delete(k);
      else this.engineStates[kind].set(k, JSON.parse(JSON.stringify(state)));
    }
  }
}
