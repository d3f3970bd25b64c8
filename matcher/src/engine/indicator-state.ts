import type { Indicator } from "../../../shared/src/predicate";
import { rsiOf } from "./reference-indicators";

const SMA = 0;
const EMA = 1;
const RSI = 2;
const UPPER = 3;
const LOWER = 4;
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

/**
 * One indicator's running state over one series, fed each sample once: O(1) memory beyond its
 * window (sma and bollinger keep a ring of N values; ema and rsi a few numbers) and shared by every
 * condition that reads it. It does exactly the arithmetic of reference-indicators.ts in the same
 * order (window sums recomputed from the ring, oldest first), so its values are bit-identical.
 *
 * Persisted as a number array: [count, ...] with sma/bollinger [count, head, ring…], ema [count,
 * sum, value], rsi [count, previous sample, gain, loss].
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
  /** sma/bollinger: the last n values; head is the oldest (and the next slot written). */
  private readonly ring: Float64Array | undefined;
  private head = 0;
  /** ema: the warm-up sum, then the ema; rsi: previous sample, average gain and loss. */
  private sum = 0;
  private value = Number.NaN;
  private gain = 0;
  private loss = 0;

  constructor(ind: Indicator) {
    this.kind = KINDS[ind.kind];
    this.n = ind.samples;
    this.k = ind.k ?? 0;
    this.alpha = 2 / (this.n + 1);
    this.ring = this.kind === SMA || this.kind >= UPPER ? new Float64Array(this.n) : undefined;
  }

  /** Takes the series' next sample; returns the indicator's value there (NaN: still warming up). */
  push(v: number): number {
    const n = this.n;
    const ring = this.ring;
    if (ring !== undefined) {
      ring[this.head] = v;
      this.head = this.head + 1 === n ? 0 : this.head + 1;
      if (this.count < n) this.count++;
      return this.count < n ? Number.NaN : this.band(ring);
    }
    if (this.kind === EMA) {
      if (this.count < n) {
        this.sum += v;
        if (++this.count === n) this.value = this.sum / n;
        return this.value;
      }
      this.value = this.alpha * v + (1 - this.alpha) * this.value;
      return this.value;
    }
    return this.pushRsi(v);
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

  /** The sma, or a bollinger band, of a full ring (oldest value at head). */
  private band(ring: Float64Array): number {
    const n = this.n;
    const head = this.head;
    let sum = 0;
    for (let j = head; j < n; j++) sum += ring[j] as number;
    for (let j = 0; j < head; j++) sum += ring[j] as number;
    const mean = sum / n;
    if (this.kind === SMA) return mean;
    let squares = 0;
    for (let j = head; j < n; j++) {
      const d = (ring[j] as number) - mean;
      squares += d * d;
    }
    for (let j = 0; j < head; j++) {
      const d = (ring[j] as number) - mean;
      squares += d * d;
    }
    const sigma = Math.sqrt(squares / n);
    return this.kind === UPPER ? mean + this.k * sigma : mean - this.k * sigma;
  }

  /** The persisted form (see the class comment). */
  save(): number[] {
    if (this.ring) return [this.count, this.head, ...this.ring];
    if (this.kind === EMA) return [this.count, this.sum, this.value];
    return [this.count, this.value, this.gain, this.loss];
  }

  /** Loads a saved state; false when it does not fit this indicator (then nothing is changed). */
  load(saved: unknown): boolean {
    if (!Array.isArray(saved) || !saved.every((x) => typeof x === "number" || x === null)) return false;
    const s = saved.map((x) => (x === null ? Number.NaN : (x as number)));
    const ring = this.ring;
    if (ring ? s.length !== 2 + this.n : s.length !== (this.kind === EMA ? 3 : 4)) return false;
    this.count = s[0] as number;
    if (ring) {
      this.head = s[1] as number;
      ring.set(s.slice(2));
    } else if (this.kind === EMA) {
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
    if (this.ring) return this.count < this.n ? Number.NaN : this.band(this.ring);
    if (this.kind === EMA) return this.count < this.n ? Number.NaN : this.value;
    return this.count <= this.n ? Number.NaN : rsiOf(this.gain, this.loss);
  }
}
