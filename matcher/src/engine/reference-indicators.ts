import type { Indicator } from "../../../shared/src/predicate";

/**
 * The indicators of DESIGN §8, written as plainly as their definitions: each is a function of the
 * series' values v[0..i] (0-based here; the design counts from 1). They recompute everything from
 * the values on every call (slow on purpose: this is the reference's side of the contract).
 *
 * Arithmetic order (the indexed engine's running states do exactly the same operations, so the
 * two agree bit for bit):
 * - a window sum starts at 0 and adds the values oldest first; a mean is that sum ÷ N;
 * - ema: α = 2 / (N + 1), then α·v + (1 − α)·previous, written `alpha * v + (1 - alpha) * prev`;
 * - rsi: the seed sums start at 0 and add max(c, 0) (gains) and max(−c, 0) (losses) oldest
 *   first, then ÷ N; later G = (G·(N − 1) + max(c, 0)) / N; RSI = 100 − 100 / (1 + G / L);
 * - bollinger: σ² is the sum, oldest first, of (v − mean)² (each `d * d` with d = v − mean) ÷ N;
 *   the band is mean + k·σ or mean − k·σ.
 *
 * @example indicatorAt([1, 2, 3], 2, { kind: "sma", samples: 3 }) // 2
 */
export function indicatorAt(values: readonly number[], i: number, ind: Indicator): number | undefined {
  if (i < 0 || i >= values.length) return undefined;
  const n = ind.samples;
  switch (ind.kind) {
    case "sma":
      return i + 1 < n ? undefined : windowMean(values, i, n);
    case "ema":
      return ema(values, i, n);
    case "rsi":
      return rsi(values, i, n);
    default: {
      if (i + 1 < n) return undefined;
      const mean = windowMean(values, i, n);
      let squares = 0;
      for (let j = i - n + 1; j <= i; j++) {
        const d = (values[j] as number) - mean;
        squares += d * d;
      }
      const sigma = Math.sqrt(squares / n);
      const k = ind.k ?? 0;
      return ind.kind === "bollinger_upper" ? mean + k * sigma : mean - k * sigma;
    }
  }
}

/** The mean of the n values ending at index i. */
function windowMean(values: readonly number[], i: number, n: number): number {
  let sum = 0;
  for (let j = i - n + 1; j <= i; j++) sum += values[j] as number;
  return sum / n;
}

/** ema n at index i: the sma of the first n values, then the recurrence. */
function ema(values: readonly number[], i: number, n: number): number | undefined {
  if (i + 1 < n) return undefined;
  const alpha = 2 / (n + 1);
  let prev = windowMean(values, n - 1, n);
  for (let j = n; j <= i; j++) prev = alpha * (values[j] as number) + (1 - alpha) * prev;
  return prev;
}

/** Wilder's rsi n at index i (needs n changes, so n + 1 values). */
function rsi(values: readonly number[], i: number, n: number): number | undefined {
  if (i < n) return undefined;
  let gain = 0;
  let loss = 0;
  for (let j = 1; j <= n; j++) {
    const c = (values[j] as number) - (values[j - 1] as number);
    gain += Math.max(c, 0);
    loss += Math.max(-c, 0);
  }
  gain /= n;
  loss /= n;
  for (let j = n + 1; j <= i; j++) {
    const c = (values[j] as number) - (values[j - 1] as number);
    gain = (gain * (n - 1) + Math.max(c, 0)) / n;
    loss = (loss * (n - 1) + Math.max(-c, 0)) / n;
  }
  return rsiOf(gain, loss);
}

/** RSI from the average gain and loss (no loss: 100, or 50 when there was no gain either). */
export function rsiOf(gain: number, loss: number): number {
  if (loss === 0) return gain === 0 ? 50 : 100;
  return 100 - 100 / (1 + gain / loss);
}
