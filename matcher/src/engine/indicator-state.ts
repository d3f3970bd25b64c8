import type { Indicator } from "../../../shared/src/predicate";
import { WindowRing } from "./window-ring";

const SMA = 0;
const EMA = 1;
const RSI = 2;
const UPPER = 3;
const LOWER = 4;
/** A running m2 that falls below this share of its previous value in one step is summed again exactly. */
const COLLAPSE = 1e-6;
const KINDS: Record<Indicator["kind"], number> = {
  sma: SMA,
  ema: EMA,
  rsi: RSI,
  bollinger_upper: UPPER,
  bollinger_lower: LOWER,
};

/** The identity of an indicator's state on a series: monitors with the same key share one. */
export function indicatorKey(ind: Indicator | undefined): string {
  if (!ind) return "";
  return ind.k === undefined ? `${ind.kind}:${ind.samples}` : `${ind.kind}:${ind.samples}:${ind.k}`;
}

/** Whether the indicator reads a window of its last N samples (sma and the Bollinger bands). */
export function usesWindow(ind: Indicator): boolean {
  const kind = KINDS[ind.kind];
  return kind === SMA || kind >= UPPER;
}

/**
 * The indicators' arithmetic, the one definition of their values: the reference evaluator feeds
 * it the series' values from the first (reference-indicators.ts) and the indexed engine keeps one
 * per (series, indicator, parameters), so the two agree bit for bit by construction. Each sample
 * costs O(1) amortised. With v the new sample and i its 1-based index in the series:
 * - sma, bollinger (N): a window sum S. While i ≤ N, S adds v (from 0, oldest first). At every i
 *   that is a multiple of N, S is the sum of the window's N values added oldest first (exact
 *   again); at any other i, S = (S − v(i−N)) + v. The mean is S / N. So the drift of the running
 *   sum is bounded: it never outlives N samples.
 * - bollinger: M2, the sum of squared deviations from the mean, is at those same i the sum,
 *   oldest first, of d·d with d = value − mean; in between M2 += (v − out)·(v − mean + out −
 *   previous mean) with out = v(i−N) (Welford's update for a sliding window). σ = √(max(M2, 0)
 *   / N); the band is mean ± k·σ. A flat window has M2 exactly 0, so its band is its mean.
 * - ema (N): α = 2 / (N + 1); at i = N the sma (the sum from 0, oldest first, ÷ N); later
 *   α·v + (1 − α)·previous.
 * - rsi (N, Wilder): c = v − v(i−1); gains and losses add max(c, 0) and max(−c, 0) from 0 for
 *   i = 2…N+1, then ÷ N; later G = (G·(N − 1) + max(c, 0)) / N, L likewise;
 *   RSI = 100 − 100 / (1 + G / L), with L = 0 giving 100 (50 when G = 0 too).
 * No value (NaN) while warming up: i < N (i ≤ N for rsi).
 *
 * sma and bollinger read the window from a WindowRing of at least N + 1 values: their own, or one
 * shared by every windowed indicator of a series (then the series pushes each sample into it).
 * Persisted as numbers: sma/bollinger [count, phase, sum, m2] (+ the ring's values when it is
 * their own), ema [count, sum, value], rsi [count, previous sample, gain, loss].
 *
 * @example const s = new IndicatorState({ kind: "sma", samples: 3 }); s.push(1); s.push(2); s.push(3) // 2
 */
export class IndicatorState {
  private readonly kind: number;
  private readonly n: number;
  private readonly k: number;
  private readonly alpha: number;
  /** Samples seen, counted up to the warm-up's end only (n, or n + 1 for rsi). */
  private count = 0;
  /** sma/bollinger: samples since the window was last summed exactly (0 … n − 1). */
  private phase = 0;
  /** sma/bollinger: the window; pushed here when it is this state's own. */
  private readonly ring: WindowRing | undefined;
  private readonly ownsRing: boolean;
  readonly windowed: boolean;
  /** sma/bollinger: the window sum (ema: the warm-up sum). */
  private sum = 0;
  private m2 = 0;
  /** ema: its value; rsi: the previous sample. */
  private value = Number.NaN;
  private gain = 0;
  private loss = 0;

  constructor(ind: Indicator, shared?: WindowRing) {
    this.kind = KINDS[ind.kind];
    this.n = ind.samples;
    this.k = ind.k ?? 0;
    this.alpha = 2 / (this.n + 1);
    this.windowed = usesWindow(ind);
    this.ownsRing = this.windowed && shared === undefined;
    this.ring = this.windowed ? (shared ?? new WindowRing(this.n + 1)) : undefined;
  }

  /** Takes the series' next sample; returns the indicator's value there (NaN: still warming up). */
  push(v: number): number {
    const ring = this.ring;
    if (ring !== undefined) {
      if (this.ownsRing) ring.push(v);
      return this.pushWindow(ring, v);
    }
    if (this.kind === EMA) return this.pushEma(v);
    return this.pushRsi(v);
  }

  private pushWindow(ring: WindowRing, v: number): number {
    const n = this.n;
    if (this.count < n) {
      this.sum += v;
      if (++this.count < n) return Number.NaN;
      this.resum(ring);
    } else if (++this.phase === n) {
      this.resum(ring);
    } else {
      const out = ring.at(n);
      const before = this.sum / n;
      this.sum = this.sum - out + v;
      if (this.kind !== SMA) {
        const m2 = this.m2 + (v - out) * (v - this.sum / n + out - before);
        // A band that collapses (a spike leaving an otherwise flat window) keeps the rounding of
        // the old, larger deviations in a running m2, and the square root magnifies it (σ of
        // [1, 1, 1, 1] came out 1e-6, not 0): sum such a window exactly, on the same schedule.
        if (m2 < this.m2 * COLLAPSE) this.resumKeepingPhase(ring);
        else this.m2 = m2;
      }
    }
    return this.band();
  }

  private resumKeepingPhase(ring: WindowRing): void {
    const phase = this.phase;
    this.resum(ring);
    this.phase = phase;
  }

  /** The window summed exactly, oldest first (and its squared deviations for a band). */
  private resum(ring: WindowRing): void {
    const n = this.n;
    this.phase = 0;
    let sum = 0;
    for (let age = n - 1; age >= 0; age--) sum += ring.at(age);
    this.sum = sum;
    if (this.kind === SMA) return;
    const mean = sum / n;
    let m2 = 0;
    for (let age = n - 1; age >= 0; age--) {
      const d = ring.at(age) - mean;
      m2 += d * d;
    }
    this.m2 = m2;
  }

  private band(): number {
    const mean = this.sum / this.n;
    if (this.kind === SMA) return mean;
    const sigma = Math.sqrt(Math.max(this.m2, 0) / this.n);
    return this.kind === UPPER ? mean + this.k * sigma : mean - this.k * sigma;
  }

  private pushEma(v: number): number {
    const n = this.n;
    if (this.count < n) {
      this.sum += v;
      if (++this.count === n) this.value = this.sum / n;
      return this.value;
    }
    this.value = this.alpha * v + (1 - this.alpha) * this.value;
    return this.value;
  }

  private pushRsi(v: number): number {
    const n = this.n;
    const prev = this.value;
    this.value = v;
    if (this.count === 0) {
      this.count = 1;
      return Number.NaN;
    }
    const c = v - prev;
    if (this.count <= n) {
      this.gain += Math.max(c, 0);
      this.loss += Math.max(-c, 0);
      if (++this.count <= n) return Number.NaN;
      this.gain /= n;
      this.loss /= n;
      return rsiOf(this.gain, this.loss);
    }
    this.gain = (this.gain * (n - 1) + Math.max(c, 0)) / n;
    this.loss = (this.loss * (n - 1) + Math.max(-c, 0)) / n;
    return rsiOf(this.gain, this.loss);
  }

  /** The persisted form (see the class comment). */
  save(): number[] {
    if (this.ring) {
      const head = [this.count, this.phase, this.sum, this.m2];
      return this.ownsRing ? head.concat(this.ring.values()) : head;
    }
    if (this.kind === EMA) return [this.count, this.sum, this.value];
    return [this.count, this.value, this.gain, this.loss];
  }

  /** Loads a saved state; false when it does not fit this indicator (then nothing is changed). */
  load(saved: unknown): boolean {
    if (!Array.isArray(saved) || !saved.every((x) => typeof x === "number" || x === null)) return false;
    const s = saved.map((x) => (x === null ? Number.NaN : (x as number)));
    const ring = this.ring;
    if (ring) {
      // A state saved with its own window loads into a shared one too (without the window).
      if (s.length < 4 || s.length > 5 + this.n) return false;
      if (this.ownsRing) ring.load(s.slice(4));
      this.count = s[0] as number;
      this.phase = s[1] as number;
      this.sum = s[2] as number;
      this.m2 = s[3] as number;
      return true;
    }
    if (s.length !== (this.kind === EMA ? 3 : 4)) return false;
    this.count = s[0] as number;
    if (this.kind === EMA) {
      this.sum = s[1] as number;
      this.value = s[2] as number;
    } else {
      this.value = s[1] as number;
      this.gain = s[2] as number;
      this.loss = s[3] as number;
    }
    return true;
  }

  /** The value at the newest sample fed (NaN: none yet). */
  current(): number {
    if (this.ring) return this.count < this.n ? Number.NaN : this.band();
    if (this.kind === EMA) return this.count < this.n ? Number.NaN : this.value;
    return this.count <= this.n ? Number.NaN : rsiOf(this.gain, this.loss);
  }
}

/** RSI from the average gain and loss (no loss: 100, or 50 when there was no gain either). */
export function rsiOf(gain: number, loss: number): number {
  if (loss === 0) return gain === 0 ? 50 : 100;
  return 100 - 100 / (1 + gain / loss);
}
