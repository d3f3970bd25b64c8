import type { LogEntry } from "../../../shared/src/contract/shard-rpc";
import type { AcceptedFact } from "../../../shared/src/facts";

/**
 * The one order in which a draft's explain replays facts that live in several shards' logs (the
 * home's own, and streams pulled from their owner shards): each source keeps its own log order
 * (the order its shard applied the facts in), and between sources the head with the smaller
 * eventId goes first (a ULID assigned at acceptance by ingest; UTF-16 code-unit order, equal to
 * time order for ULIDs); at equal eventIds, the source listed first. That is "as if the monitor
 * had been saved before those facts were accepted": each stream in the order its owner applied it,
 * the streams interleaved in the order ingest accepted their facts. A single source comes out in
 * exactly its log order.
 *
 * Sources arrive in chunks (a stream may hold a million facts; no log is read whole): `next()`
 * answers only while it can decide, i.e. while every source not yet exhausted has a buffered head,
 * and `starving()` names the sources to read more of before it can go on. The merge is a pure
 * function of the sources' contents, whatever the chunk sizes (fact-merge.test.ts).
 *
 * @example
 * const merge = new FactMerge(2);
 * merge.push(0, homeChunk, false); merge.push(1, pulledChunk, true);
 * for (let f = merge.next(); f; f = merge.next()) replay(f); // then refill merge.starving()
 */
export class FactMerge {
  private readonly buffers: LogEntry[][];
  private readonly heads: number[];
  private readonly done: boolean[];
  private readonly consumed: number[];

  /** `positions`: per source, the log position (seq) already consumed before this merge starts. */
  constructor(sources: number, positions: readonly number[] = []) {
    this.buffers = Array.from({ length: sources }, () => []);
    this.heads = Array.from({ length: sources }, () => 0);
    this.done = Array.from({ length: sources }, () => false);
    this.consumed = Array.from({ length: sources }, (_, i) => positions[i] ?? 0);
  }

  /** Appends a chunk read after the source's last buffered entry; `exhausted` when the log has no more now. */
  push(source: number, entries: readonly LogEntry[], exhausted: boolean): void {
    const buffer = this.buffers[source];
    if (!buffer) throw new RangeError(`no source ${source}`);
    const head = this.heads[source] ?? 0;
    this.buffers[source] = [...buffer.slice(head), ...entries];
    this.heads[source] = 0;
    this.done[source] = exhausted;
  }

  /** Sources with nothing buffered that may hold more: read them (after `readFrom(i)`) before `next()`. */
  starving(): number[] {
    return this.buffers.flatMap((b, i) => (this.done[i] || (this.heads[i] ?? 0) < b.length ? [] : [i]));
  }

  /** The position after which source `i`'s next chunk starts (its last buffered, else consumed, seq). */
  readFrom(i: number): number {
    return this.buffers[i]?.at(-1)?.seq ?? this.consumed[i] ?? 0;
  }

  /** The next fact in the merged order, or undefined when a source is starving or all are exhausted. */
  next(): AcceptedFact | undefined {
    let best = -1;
    let bestId = "";
    for (let i = 0; i < this.buffers.length; i++) {
      const entry = this.buffers[i]?.[this.heads[i] ?? 0];
      if (!entry) {
        if (!this.done[i]) return undefined;
        continue;
      }
      if (best < 0 || entry.fact.eventId < bestId) {
        best = i;
        bestId = entry.fact.eventId;
      }
    }
    if (best < 0) return undefined;
    const head = this.heads[best] ?? 0;
    const entry = this.buffers[best]?.[head] as LogEntry;
    this.heads[best] = head + 1;
    this.consumed[best] = entry.seq;
    return entry.fact;
  }

  /** True once every source is exhausted and every buffered fact consumed. */
  finished(): boolean {
    return this.buffers.every((b, i) => this.done[i] && (this.heads[i] ?? 0) >= b.length);
  }

  /** Per source, the seq of the last fact `next()` returned (where a later merge resumes). */
  positions(): number[] {
    return [...this.consumed];
  }
}

/**
 * The whole merged order of some in-memory logs (each in its log order): for tests and small inputs.
 *
 * @example mergeLogs([[a1, a2], [b1]]) // a1, b1, a2 when a1 < b1 < a2 by eventId
 */
export function mergeLogs(logs: readonly (readonly AcceptedFact[])[]): AcceptedFact[] {
  const merge = new FactMerge(logs.length);
  logs.forEach((log, i) => {
    merge.push(
      i,
      log.map((fact, at) => ({ seq: at + 1, fact })),
      true,
    );
  });
  const out: AcceptedFact[] = [];
  for (let f = merge.next(); f; f = merge.next()) out.push(f);
  return out;
}
