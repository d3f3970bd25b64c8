import { Source } from "./condition-state";
import type { MonitorRt } from "./monitor-state";
import { MinHeap } from "./sorted-levels";
import type { Sample } from "./types";

/**
 * Per-stream state shared by every monitor: the latest applied observedAt (for staleness) and the
 * (stream, field) series that registered conditions read, each retaining only the samples the
 * longest registered `change` window needs.
 *
 * @example const s = new StreamRt("market_price:BTC-USD"); s.seriesFor("price");
 */
export class StreamRt {
  latest = Number.NEGATIVE_INFINITY;
  readonly series: Series[] = [];
  constructor(readonly key: string) {}

  get(field: string): Series | undefined {
    for (const s of this.series) if (s.field === field) return s;
    return undefined;
  }

  seriesFor(field: string): Series {
    let s = this.get(field);
    if (!s) {
      s = new Series(this, field);
      this.series.push(s);
    }
    return s;
  }

  drop(s: Series): void {
    const i = this.series.indexOf(s);
    if (i >= 0) this.series.splice(i, 1);
  }
}

/** One (stream, field) series: retained samples, the sources computed from them, level listeners. */
export class Series {
  t: number[] = [];
  v: number[] = [];
  head = 0;
  /** The window (ms) for which the retained samples are complete; -1: not even the latest sample. */
  covered = -1;
  /** The longest window among this series' sources. */
  retainMs = 0;
  readonly sources: Source[] = [];
  /** Level-mode monitors whose predicate is true and that read this series. */
  readonly levelTrue = new Set<MonitorRt>();
  /** Level-mode monitors waiting for their cooldown to pass, by the time it does. */
  readonly cooling = new MinHeap<MonitorRt>();

  constructor(
    readonly stream: StreamRt,
    readonly field: string,
  ) {}

  get size(): number {
    return this.t.length - this.head;
  }

  source(windowMs: number, pct: boolean): Source {
    for (const s of this.sources) if (s.windowMs === windowMs && s.pct === pct) return s;
    const s = new Source(this, windowMs, pct);
    s.last = this.size > 0 ? this.derivedAt(this.t.length - 1, windowMs, pct) : undefined;
    this.sources.push(s);
    if (windowMs > this.retainMs) this.retainMs = windowMs;
    return s;
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
    if (this.retainMs === 0) {
      this.t[0] = at;
      this.v[0] = value;
      this.t.length = 1;
      this.v.length = 1;
      this.head = 0;
      return;
    }
    this.t.push(at);
    this.v.push(value);
    const keep = this.baseIndex(this.t.length - 1, at - this.retainMs);
    if (keep > this.head) this.head = keep;
    if (this.head > 32 && this.head * 2 > this.t.length) {
      this.t.splice(0, this.head);
      this.v.splice(0, this.head);
      this.head = 0;
    }
  }

  /** Replaces the retained samples (history loaded for a longer window). */
  replace(samples: Sample[]): void {
    this.t = samples.map((s) => s.observedAt);
    this.v = samples.map((s) => s.value);
    this.head = 0;
  }

  /** Index of the newest retained sample at or before index `upTo` with time ≤ x; -1 if none. */
  baseIndex(upTo: number, x: number): number {
    let lo = this.head;
    let hi = upTo + 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.t[mid] as number) <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1 >= this.head ? lo - 1 : -1;
  }

  /** The compared value at sample i: the value itself, or its change over windowMs. */
  derivedAt(i: number, windowMs: number, pct: boolean): number | undefined {
    const value = this.v[i] as number;
    if (windowMs === 0) return value;
    const b = this.baseIndex(i, (this.t[i] as number) - windowMs);
    if (b < 0) return undefined;
    const base = this.v[b] as number;
    if (!pct) return value - base;
    return base === 0 ? undefined : (100 * (value - base)) / base;
  }

  samples(): Sample[] {
    const out: Sample[] = [];
    for (let i = this.head; i < this.t.length; i++)
      out.push({ observedAt: this.t[i] as number, value: this.v[i] as number });
    return out;
  }
}
