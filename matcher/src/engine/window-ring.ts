import type { IndicatorWindow } from "./runtime-types";

/**
 * The last values of a series, read by age (0: the newest): the window that sma and Bollinger
 * states (indicator-state.ts) sum. One ring of the longest such window serves every windowed
 * indicator of a series, so sma(20), sma(50) and sma(200) of a symbol keep 201 values, not 273.
 *
 * @example const r = new WindowRing(3); r.push(1); r.push(2); r.at(0) // 2, r.at(1) // 1
 */
export class WindowRing implements IndicatorWindow {
  private buf: Float64Array;
  /** The slot the next value goes to. */
  private head = 0;
  /** Values held (at most the capacity). */
  filled = 0;

  constructor(capacity: number) {
    this.buf = new Float64Array(capacity);
  }

  get capacity(): number {
    return this.buf.length;
  }

  push(v: number): void {
    const buf = this.buf;
    buf[this.head] = v;
    this.head = this.head + 1 === buf.length ? 0 : this.head + 1;
    if (this.filled < buf.length) this.filled++;
  }

  /** The value `age` samples before the newest (NaN beyond what it holds). */
  at(age: number): number {
    if (age >= this.filled) return Number.NaN;
    const i = this.head - 1 - age;
    return this.buf[i < 0 ? i + this.buf.length : i] as number;
  }

  /** The values held, oldest first (the persisted form). */
  values(): number[] {
    const out: number[] = [];
    for (let age = this.filled - 1; age >= 0; age--) out.push(this.at(age));
    return out;
  }

  /** Replaces the values by `oldestFirst` (keeping the newest that fit). */
  load(oldestFirst: readonly number[]): void {
    this.head = 0;
    this.filled = 0;
    const from = Math.max(0, oldestFirst.length - this.buf.length);
    for (let i = from; i < oldestFirst.length; i++) this.push(oldestFirst[i] as number);
  }

  /** Makes room for `capacity` values, keeping those held. */
  grow(capacity: number): void {
    if (capacity <= this.buf.length) return;
    const held = this.values();
    this.buf = new Float64Array(capacity);
    this.load(held);
  }
}
