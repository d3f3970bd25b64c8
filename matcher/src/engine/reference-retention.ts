import type { Sample } from "./types";

/**
 * How much of one series a caller of the reference evaluator still needs (ReferenceOptions.retain):
 * the newest `samples` samples, and with `windowMs` also every sample that may be the base of a
 * change taken at the series' previous sample (newest with observedAt ≤ previous − windowMs) or
 * later; "all" keeps the whole series (ema and rsi recur from the first sample).
 *
 * @example { samples: 201, windowMs: 0 } // sma 200, crossing: the window at this and the previous sample
 */
export type SeriesBound = { samples: number; windowMs: number } | "all";

/** Below this many droppable samples a series is left alone, so trimming costs O(1) amortised. */
const MIN_DROP = 32;

/**
 * Drops the series' oldest samples that `bound` says nobody can read any more. Drops in batches
 * (once at least half the series, or MIN_DROP samples, is droppable): the series holds at most
 * about twice what is needed, and each sample is moved O(1) times on average.
 */
export function trimSeries(series: Sample[], bound: SeriesBound): void {
  if (bound === "all" || series.length <= bound.samples + MIN_DROP) return;
  let drop = series.length - Math.max(bound.samples, 2);
  if (bound.windowMs > 0) drop = Math.min(drop, droppableBefore(series, bound.windowMs));
  if (drop >= MIN_DROP && drop >= series.length / 2) series.splice(0, drop);
}

/**
 * The index of the oldest sample a change at the previous sample (index n − 2) may still use as
 * its base: the newest sample with observedAt ≤ previous.observedAt − windowMs (observedAt never
 * decreases along a series, so it is found by bisection). Everything before it can go.
 */
function droppableBefore(series: readonly Sample[], windowMs: number): number {
  const previous = series[series.length - 2];
  if (!previous) return 0;
  const limit = previous.observedAt - windowMs;
  let lo = 0; // invariant: the answer is in [lo, hi]; answer = last index with observedAt ≤ limit, or 0
  let hi = series.length - 2;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if ((series[mid]?.observedAt ?? Number.POSITIVE_INFINITY) <= limit) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
