import type { AcceptedFact } from "../../shared/src/facts";
import { MonitorSource, STREAM_COUNT, symbols } from "./matcher-workload";

/**
 * bench:matcher's practical limit: per stream a sorted Float64Array of the monitors' levels, and
 * per fact only the levels its value passed since the stream's previous fact (two map look-ups and
 * two binary searches). It keeps no condition, window, cooldown or monitor state and emits nothing,
 * so any matcher does more than this on the same facts.
 *
 * @example const bare = new BareLevelLoop(100_000); bare.applyFact(fact) // levels passed
 */
export class BareLevelLoop {
  private readonly levels: Float64Array[];
  private readonly prev = new Map<string, number>();
  private readonly index = new Map(symbols.map((s, i) => [`market_price:${s}`, i]));

  /** The levels of bench:matcher's first `n` monitors, sorted per stream. */
  constructor(n: number) {
    const lists: number[][] = Array.from({ length: STREAM_COUNT }, () => []);
    const source = new MonitorSource();
    for (let i = 0; i < n; i++) {
      const { stream, level } = source.next();
      if (level !== undefined) lists[stream]?.push(level);
    }
    this.levels = lists.map((l) => Float64Array.from(l).sort());
  }

  /** How many levels the fact's value passed since its stream's previous fact. */
  applyFact(fact: AcceptedFact): number {
    const price = (fact.data as { price: number }).price;
    const p = this.prev.get(fact.streamKey);
    this.prev.set(fact.streamKey, price);
    if (p === undefined) return 0;
    const a = this.levels[this.index.get(fact.streamKey) ?? 0] as Float64Array;
    return Math.abs(lowerBound(a, price) - lowerBound(a, p));
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
