import { DEFAULT_CHECKPOINT_FACTS } from "../../matcher/src/engine/checkpoint";
import type { AcceptedFact } from "../../shared/src/facts";
import { numberKnob, readKnobs } from "./knobs";
import { ALL_STREAMS, FactSource, type StreamRange } from "./matcher-workload";

/**
 * How bench:matcher times an engine, shared with bench:matcher-ab so that both measure the same
 * thing: facts generated just before each batch (untimed), a warm-up, then rounds of batches.
 */
export const FACTS_PER_BATCH = 1000;
const WARMUP_FACTS = 120_000;
const ROUNDS = 3;
/** Timed seconds per measurement (env SECONDS), split in ROUNDS rounds. */
export const SECONDS = readKnobs(() => numberKnob("SECONDS", 4.5));

export type Timing = { perSec: number; perSecWall: number; perFact: number };

/** What the benches need of an engine (this tree's or, in bench:matcher-ab, an earlier one). */
export type TimedEngine = { applyFact(f: AcceptedFact): { matches: readonly unknown[] }; takeDirty(): unknown };

/**
 * Applies facts for SECONDS in batches of 1,000 generated just before (untimed), calling
 * `afterBatch` after each (the shard takes the engine's changes there at each checkpoint).
 * Throughput is reported per CPU second of this process (process.cpuUsage: all its threads, GC
 * included) and per wall second; the CPU figure is the stable one on a shared machine.
 */
export function timeFacts(
  apply: (f: AcceptedFact) => number,
  afterBatch: () => void,
  range: StreamRange = ALL_STREAMS,
): Timing {
  const facts = new FactSource(range);
  // Steady state: two minutes of event time, so every change window is full and the first
  // evaluations of new monitors (each true threshold fires once) are behind us.
  for (let i = 0; i < WARMUP_FACTS; i += FACTS_PER_BATCH) {
    for (const f of facts.take(FACTS_PER_BATCH)) apply(f);
    afterBatch();
  }
  // ROUNDS consecutive rounds on the same engine; the median round is reported (the machine is
  // shared, and one round that met a neighbour's burst should not decide the figure).
  const rounds: { n: number; out: number; wall: number; cpu: number }[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const round = { n: 0, out: 0, wall: 0, cpu: 0 };
    while (round.wall < (SECONDS * 1000) / ROUNDS && round.n < 2_000_000) {
      const batch = facts.take(FACTS_PER_BATCH);
      const c0 = process.cpuUsage();
      const t = performance.now();
      for (let j = 0; j < batch.length; j++) round.out += apply(batch[j] as AcceptedFact);
      afterBatch();
      round.wall += performance.now() - t;
      const c = process.cpuUsage(c0);
      round.cpu += (c.user + c.system) / 1000;
      round.n += batch.length;
    }
    rounds.push(round);
  }
  rounds.sort((a, b) => a.cpu / a.n - b.cpu / b.n);
  const mid = rounds[Math.floor(rounds.length / 2)] as (typeof rounds)[number];
  const all = rounds.reduce((a, r) => ({ n: a.n + r.n, out: a.out + r.out }), { n: 0, out: 0 });
  return { perSec: (mid.n / mid.cpu) * 1000, perSecWall: (mid.n / mid.wall) * 1000, perFact: all.out / all.n };
}

/**
 * The median: the middle value, or the mean of the two middle ones for an even count (bench:matcher-ab's
 * default six rounds took the upper of the two before, a median biased towards the slower rounds).
 *
 * @example median([0.6, 0.9, 1.1, 1.7]) // 1.0
 */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Times an engine holding its monitors, taking its changes at every checkpoint as a shard does. */
export function timeEngine(engine: TimedEngine, range: StreamRange = ALL_STREAMS): Timing {
  let sinceCheckpoint = 0;
  return timeFacts(
    (f) => engine.applyFact(f).matches.length,
    () => {
      sinceCheckpoint += FACTS_PER_BATCH;
      if (sinceCheckpoint < DEFAULT_CHECKPOINT_FACTS) return;
      engine.takeDirty();
      sinceCheckpoint = 0;
    },
    range,
  );
}
