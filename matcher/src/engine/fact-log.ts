import { readField } from "../../../shared/src/fact-values";
import type { AcceptedFact } from "../../../shared/src/facts";
import type { HistoryFn, Sample } from "./types";

/**
 * An in-memory fact log: every logged fact in order (stale ones included, as DESIGN §3 says), and
 * per stream the applied ones, so it can answer the engine's history callback. The Durable
 * Object keeps the same log in SQLite and answers the callback with a query.
 *
 * @example const log = new FactLog(); const engine = new IndexedEngine({ history: log.history });
 */
export class FactLog {
  private readonly all: { fact: AcceptedFact; stale: boolean }[] = [];
  private readonly applied = new Map<string, AcceptedFact[]>();

  append(fact: AcceptedFact, stale: boolean): void {
    this.all.push({ fact, stale });
    if (stale) return;
    const list = this.applied.get(fact.streamKey);
    if (list) list.push(fact);
    else this.applied.set(fact.streamKey, [fact]);
  }

  /** Every logged fact in order. */
  entries(): readonly { fact: AcceptedFact; stale: boolean }[] {
    return this.all;
  }

  /** Logged facts of one stream, in order (what a newly following shard is seeded with). */
  streamFacts(streamKey: string): AcceptedFact[] {
    return this.all.filter((e) => e.fact.streamKey === streamKey).map((e) => e.fact);
  }

  /** The HistoryFn contract (types.ts) over the applied facts. */
  readonly history: HistoryFn = (streamKey, field, fromObservedAt) =>
    samplesFrom(this.applied.get(streamKey) ?? [], field, fromObservedAt);

  /** The HistoryFn over the first `n` logged facts only (the log as it was at a checkpoint). */
  historyUpTo(n: number): HistoryFn {
    return (streamKey, field, fromObservedAt) =>
      samplesFrom(
        this.all
          .slice(0, n)
          .filter((e) => !e.stale && e.fact.streamKey === streamKey)
          .map((e) => e.fact),
        field,
        fromObservedAt,
      );
  }
}

function samplesFrom(facts: readonly AcceptedFact[], field: string, fromObservedAt: number): Sample[] {
  const samples: Sample[] = [];
  for (const f of facts) {
    const value = readField(f, field);
    if (value !== undefined) samples.push({ observedAt: f.observedAt, value });
  }
  let start = 0;
  for (let i = samples.length - 1; i >= 0; i--) {
    if ((samples[i] as Sample).observedAt <= fromObservedAt) {
      start = i;
      break;
    }
  }
  return samples.slice(start);
}
