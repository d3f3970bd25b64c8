import type {
  CompiledCondition,
  CompiledMonitor,
  EvaluationQueue,
  IndicatorStateLike,
  IndicatorWindow,
  RelativeLike,
  SavedIndicators,
  Series,
  Source,
  TrackedStream,
} from "./runtime-types";
import { MinHeap } from "./sorted-levels";
import { LevelIndexedSource } from "./source";
import type { Sample } from "./types";

/**
 * A Series (runtime-types.ts) whose retained samples are a ring buffer, so a fact allocates
 * nothing; with the sources computed from them and the level monitors listening to it. Sample
 * indexes are logical: 0 is the oldest retained sample, `size - 1` the newest.
 *
 * The ring holds each sample's time and value side by side (slot i at 2i and 2i + 1) in one
 * array, so a fact writes one cache line of one array instead of one in each of two. Measured
 * with `bench:matcher-ab` it is neither faster nor slower than two arrays.
 */
export class RingSeries implements Series {
  /** Time at 2 * slot, value at 2 * slot + 1; the slot count is a power of two. */
  private buf = new Float64Array(4);
  private start = 0;
  private n = 0;
  /** How many samples were ever dropped from the front: logical index + dropped = absolute index. */
  dropped = 0;
  /** The window (ms) for which the retained samples are complete; -1: not even the latest sample. */
  covered = -1;
  /** The longest window among this series' sources. */
  retainMs = 0;
  readonly sources: Source[] = [];
  readonly relatives: RelativeLike[] = [];
  saved: SavedIndicators | undefined = undefined;
  window: IndicatorWindow | undefined = undefined;
  /** Conditions to freeze at their monitor's expiresAt, and the earliest such time. */
  private expiries: MinHeap<CompiledCondition> | undefined;
  private expiryDue = Number.POSITIVE_INFINITY;
  /**
   * Level-mode monitors whose predicate is true and that read this series, keyed by the earliest
   * event time at which each can fire again (the end of its cooldown). One entry per monitor,
   * removed when its predicate turns false.
   */
  private readonly levelQueue = new MinHeap<CompiledMonitor>();
  /**
   * The queue's smallest key, kept on this object: a sample with no level monitor due reads this
   * number and nothing else (on a large shard, the queue's own arrays are cold reads).
   */
  private levelDueAt = Number.POSITIVE_INFINITY;

  constructor(
    readonly stream: TrackedStream,
    readonly field: string,
  ) {}

  /** Ring slots − 1 (the slot count is a power of two). */
  private mask(): number {
    return (this.buf.length >> 1) - 1;
  }

  get size(): number {
    return this.n;
  }

  timeAt(i: number): number {
    return this.buf[((this.start + i) & this.mask()) << 1] as number;
  }

  valueAt(i: number): number {
    return this.buf[(((this.start + i) & this.mask()) << 1) | 1] as number;
  }

  /** The newest sample's value (the series has at least one when a source steps). */
  newestValue(): number {
    return this.valueAt(this.n - 1);
  }

  /** Adds or removes a level monitor whose predicate turned true or false. */
  setLevel(m: CompiledMonitor, on: boolean): void {
    if (on) this.levelQueue.push(m.readyAt(), m);
    else this.levelQueue.remove(m);
    this.levelDueAt = this.levelQueue.minKey();
  }

  /**
   * Queues the level monitors with a true predicate that a sample at `engine.now` must evaluate:
   * those whose cooldown is over. Each one evaluated either fires (and is due again after its
   * cooldown) or turns false (and leaves the queue), so it goes back in at now + cooldown at once,
   * and a monitor that fired meanwhile through another series goes back in at its real time.
   */
  levelDue(engine: EvaluationQueue): void {
    const now = engine.now;
    if (now < this.levelDueAt) return;
    const queue = this.levelQueue;
    for (const m of queue.popUpTo(now)) {
      const readyAt = m.readyAt();
      if (readyAt > now) {
        queue.push(readyAt, m);
        continue;
      }
      engine.enqueue(m);
      queue.push(now + m.cooldownMs, m);
    }
    this.levelDueAt = queue.minKey();
  }

  findSource(windowMs: number, pct: boolean, indicatorKey: string): Source | undefined {
    for (const s of this.sources) {
      if (s.windowMs === windowMs && s.pct === pct && s.indicatorKey === indicatorKey) return s;
    }
    return undefined;
  }

  addSource(windowMs: number, pct: boolean, indicatorKey: string, indicator: IndicatorStateLike | undefined): Source {
    const s = new LevelIndexedSource(this, windowMs, pct, indicatorKey, indicator);
    if (indicator) s.last = indicator.current();
    else s.last = this.n > 0 ? this.derivedAt(this.n - 1, windowMs, pct) : Number.NaN;
    this.sources.push(s);
    if (windowMs > this.retainMs) this.retainMs = windowMs;
    return s;
  }

  watchExpiry(c: CompiledCondition): void {
    const at = c.monitor.expiresAt;
    if (at === Number.POSITIVE_INFINITY) return;
    this.expiries ??= new MinHeap<CompiledCondition>();
    this.expiries.push(at, c);
    if (at < this.expiryDue) this.expiryDue = at;
  }

  /**
   * A sample at `now` ≥ a monitor's expiresAt must evaluate none of its conditions, and no later
   * sample of this series can be earlier: they leave the index (keeping their truth, which facts
   * of other streams observed before expiresAt still read).
   */
  expireUpTo(now: number): void {
    if (now < this.expiryDue || !this.expiries) return;
    for (const c of this.expiries.popUpTo(now)) if (!c.dead && c.source) c.source.unindex(c);
    this.expiryDue = this.expiries.minKey();
  }

  dropSource(s: Source): void {
    const i = this.sources.indexOf(s);
    if (i >= 0) this.sources.splice(i, 1);
    this.retainMs = 0;
    for (const o of this.sources) if (o.windowMs > this.retainMs) this.retainMs = o.windowMs;
    if (this.covered > this.retainMs) this.covered = this.retainMs;
  }

  /** Appends a sample and forgets those no window can use any more. */
  push(at: number, value: number): void {
    // Before any source steps: the series' sma and Bollinger states read the new value from it.
    if (this.window !== undefined) this.window.push(value);
    if (this.retainMs === 0) {
      this.start = 0;
      this.n = 0;
    } else if (this.n === this.buf.length >> 1) {
      this.grow();
    }
    const mask = this.mask();
    const at2 = ((this.start + this.n) & mask) << 1;
    this.buf[at2] = at;
    this.buf[at2 | 1] = value;
    this.n++;
    if (this.retainMs === 0) {
      this.dropped++;
      return;
    }
    // Keep the newest sample at or before at − retainMs (the base of the longest window) onward.
    const horizon = at - this.retainMs;
    while (this.n > 1 && this.timeAt(1) <= horizon) {
      this.start = (this.start + 1) & mask;
      this.n--;
      this.dropped++;
    }
  }

  /** Replaces the retained samples (history loaded for a longer window, or a restore). */
  replace(samples: Sample[]): void {
    this.start = 0;
    this.n = 0;
    this.dropped = 0;
    for (const src of this.sources) src.baseAbs = -1;
    let cap = 2;
    while (cap < samples.length) cap *= 2;
    this.buf = new Float64Array(2 * cap);
    for (const s of samples) {
      this.buf[2 * this.n] = s.observedAt;
      this.buf[2 * this.n + 1] = s.value;
      this.n++;
    }
  }

  private grow(): void {
    const buf = new Float64Array(2 * this.buf.length);
    for (let i = 0; i < this.n; i++) {
      buf[2 * i] = this.timeAt(i);
      buf[2 * i + 1] = this.valueAt(i);
    }
    this.buf = buf;
    this.start = 0;
  }

  /** Index of the newest sample at or before index `upTo` with time ≤ x; -1 if none. */
  baseIndex(upTo: number, x: number): number {
    let lo = 0;
    let hi = upTo + 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.timeAt(mid) <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  /** The compared value at the newest sample for `src`, moving its base cursor forward (O(1) amortised). */
  derivedLatest(src: Source): number {
    const i = this.n - 1;
    const value = this.valueAt(i);
    if (src.windowMs === 0) return value;
    const x = this.timeAt(i) - src.windowMs;
    let b = src.baseAbs < 0 ? -1 : src.baseAbs - this.dropped;
    if (b < -1) b = -1;
    while (b + 1 < i && this.timeAt(b + 1) <= x) b++;
    src.baseAbs = b < 0 ? -1 : b + this.dropped;
    if (b < 0) return Number.NaN;
    const base = this.valueAt(b);
    if (!src.pct) return value - base;
    return base === 0 ? Number.NaN : (100 * (value - base)) / base;
  }

  /** The compared value at sample i: the value itself, or its change over windowMs (NaN: none). */
  derivedAt(i: number, windowMs: number, pct: boolean): number {
    const value = this.valueAt(i);
    if (windowMs === 0) return value;
    const b = this.baseIndex(i, this.timeAt(i) - windowMs);
    if (b < 0) return Number.NaN;
    const base = this.valueAt(b);
    if (!pct) return value - base;
    return base === 0 ? Number.NaN : (100 * (value - base)) / base;
  }

  samples(): Sample[] {
    const out: Sample[] = [];
    for (let i = 0; i < this.n; i++) out.push({ observedAt: this.timeAt(i), value: this.valueAt(i) });
    return out;
  }
}
