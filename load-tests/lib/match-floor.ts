import { type MatchCore, matchCoreOf } from "../../matcher/src/engine/types";
import type { AcceptedFact } from "../../shared/src/facts";
import { MonitorSource, STREAM_COUNT, symbols } from "./matcher-workload";

const NOTHING: { matches: readonly MatchCore[] } = Object.freeze({ matches: Object.freeze([]) });
// A monitor's row, as the layout model's: [flags, lastMatchAt, cooldownMs, version]. The floor
// reads only two of them; the row keeps the model's size so that a match reads the same memory.
const STRIDE = 4;

/**
 * A floor under any matcher on bench:matcher's workload, to tell how low its cost per fact can go
 * on this machine (`npm run bench:layout-model`). Per fact it does only two things that every
 * correct matcher must do there, each in its cheapest form, and nothing else:
 *
 * - find the levels the fact's value passed: bench:matcher's bare loop (two map look-ups and two
 *   binary searches over the stream's sorted levels);
 * - emit the matches the workload produces, at the rate the engine measured (`matchesPerFact`):
 *   a match names a monitor drawn at random among all of them (at 1M a firing monitor is as cold
 *   as a random one), reads its row and id, stamps its last match, builds the match as the engine
 *   does, and appends the monitor's new state to a log that the next checkpoint takes as it is
 *   (written while the row is in cache: cheaper than the engine's and the model's checkpoints,
 *   which read each changed monitor again).
 *
 * It keeps no condition, window, cooldown, `forMs` or hysteresis state and decides nothing, so it
 * is not a matcher: a real one costs more than this on the same facts.
 */
export class MatchFloor {
  private readonly levels: Float64Array[];
  private readonly prev = new Map<string, number>();
  private readonly index = new Map(symbols.map((s, i) => [`market_price:${s}`, i]));
  private readonly rows: Float64Array;
  private readonly ids: string[] = [];
  /** Changed monitors since the last checkpoint: (monitor, version, lastMatchAt) triples. */
  private changes: number[] = [];
  /** xorshift32 state: the draws must cost the same at every size and allocate nothing. */
  private seed = 0x9e3779b9;

  constructor(
    private readonly n: number,
    private readonly matchesPerFact: number,
  ) {
    const lists: number[][] = Array.from({ length: STREAM_COUNT }, () => []);
    const source = new MonitorSource();
    this.rows = new Float64Array(n * STRIDE);
    for (let i = 0; i < n; i++) {
      const { def, stream, level } = source.next();
      if (level !== undefined) lists[stream]?.push(level);
      this.ids.push(def.monitorId);
      this.rows[i * STRIDE + 1] = Number.NaN;
      this.rows[i * STRIDE + 2] = def.fire?.cooldownMs ?? 0;
      this.rows[i * STRIDE + 3] = def.version;
    }
    this.levels = lists.map((l) => Float64Array.from(l).sort());
  }

  private random(): number {
    let x = this.seed;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.seed = x >>> 0;
    return this.seed / 4294967296;
  }

  applyFact(fact: AcceptedFact): { matches: readonly MatchCore[] } {
    const price = (fact.data as { price: number }).price;
    const p = this.prev.get(fact.streamKey);
    this.prev.set(fact.streamKey, price);
    if (p !== undefined) {
      const a = this.levels[this.index.get(fact.streamKey) ?? 0] as Float64Array;
      // The count is not used: the bare loop's work, not its answer, is the point.
      if (lowerBound(a, price) - lowerBound(a, p) === Number.MAX_SAFE_INTEGER) return NOTHING;
    }
    if (this.matchesPerFact === 0 || this.random() >= this.matchesPerFact) return NOTHING;
    const m = Math.floor(this.random() * this.n);
    const o = m * STRIDE;
    const rows = this.rows;
    rows[o + 1] = fact.observedAt;
    const id = this.ids[m] as string;
    const version = rows[o + 3] as number;
    this.changes.push(m, version, fact.observedAt);
    return { matches: [matchCoreOf(id, version, fact)] };
  }

  /** The states logged since the last call: (monitor, version, lastMatchAt) triples. */
  takeDirty(): number[] {
    const out = this.changes;
    this.changes = [];
    return out;
  }

  /** The id of monitor `m` (as numbered in the log). */
  idOf(m: number): string {
    return this.ids[m] as string;
  }
}

function lowerBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((a[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
