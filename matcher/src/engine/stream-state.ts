import type { Toucher } from "./condition-state";
import type { MonitorRt } from "./monitor-state";
import { MinHeap } from "./sorted-levels";
import { Source } from "./source";
import {
  BASE_ABS,
  BLOCK,
  COOLING_UNTIL,
  FIRST_BLOCK,
  GAP_HI,
  GAP_LO,
  initBlock,
  LAST,
  MODE,
  modeOf,
  NEXT_DUE,
  REARM_DOWN_MIN,
  REARM_UP_MAX,
} from "./source-block";
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
  /** Listed in the engine's dirty streams since the last takeDirty. */
  dirty = false;
  /**
   * The first series; each links to the next (`Series.next`), in the order of `series`. A fact
   * walks the links: the list object and its backing store would be two more cold reads.
   */
  head: Series | undefined = undefined;
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
      this.relink();
    }
    return s;
  }

  drop(s: Series): void {
    const i = this.series.indexOf(s);
    if (i >= 0) this.series.splice(i, 1);
    this.relink();
  }

  private relink(): void {
    const list = this.series;
    this.head = list[0];
    for (let i = 0; i < list.length; i++) (list[i] as Series).next = list[i + 1];
  }
}

/**
 * One (stream, field) series: retained samples (a ring buffer, so a fact allocates nothing), the
 * sources computed from them, and the level monitors listening to it. Sample indexes are logical:
 * 0 is the oldest retained sample, `size - 1` the newest.
 *
 * Everything a fact reads on the common path lives in one array, `buf`: first each source's hot
 * block (see source-block.ts, in `sources` order), then the ring, each sample's time and value
 * side by side. With a thousand streams a stream's structures are cold when its next fact comes,
 * so a fact that passes no level touches one array here instead of a dozen objects.
 */
export class Series {
  /**
   * The series' slot (COOLING_UNTIL), the source blocks (BLOCK doubles each from FIRST_BLOCK),
   * then the ring: slot i's time at ringOff + 2i, its value at ringOff + 2i + 1.
   */
  buf = Series.emptyBuf();
  /** Where the ring starts in `buf` (after the blocks). */
  private ringOff = FIRST_BLOCK;
  /** Ring slots − 1 (the slot count is a power of two). */
  private mask = 1;
  private start = 0;
  private n = 0;
  /** How many samples were ever dropped from the front: logical index + dropped = absolute index. */
  dropped = 0;
  /** The window (ms) for which the retained samples are complete; -1: not even the latest sample. */
  covered = -1;
  /** The longest window among this series' sources. */
  retainMs = 0;
  /** The stream's next series (see StreamRt.head). */
  next: Series | undefined = undefined;
  /** In the order of their blocks in `buf`. */
  readonly sources: Source[] = [];
  /** Level-mode monitors whose predicate is true and that read this series. */
  private readonly levelTrue = new Set<MonitorRt>();
  /** Level-mode monitors waiting for their cooldown to pass, by the time it does. */
  private readonly cooling = new MinHeap<MonitorRt>();
  /** levelTrue.size, kept here: a fact reads it without reading the set. */
  private nTrue = 0;

  constructor(
    readonly stream: StreamRt,
    readonly field: string,
  ) {}

  /** No sources and a ring of two slots; nothing cooling. */
  private static emptyBuf(): Float64Array {
    const buf = new Float64Array(FIRST_BLOCK + 4);
    buf[COOLING_UNTIL] = Number.POSITIVE_INFINITY;
    return buf;
  }

  get size(): number {
    return this.n;
  }

  timeAt(i: number): number {
    return this.buf[this.ringOff + (((this.start + i) & this.mask) << 1)] as number;
  }

  valueAt(i: number): number {
    return this.buf[this.ringOff + (((this.start + i) & this.mask) << 1) + 1] as number;
  }

  /** Adds or removes a level monitor whose predicate turned true or false. */
  setLevel(m: MonitorRt, on: boolean): void {
    if (on) this.levelTrue.add(m);
    else this.levelTrue.delete(m);
    this.nTrue = this.levelTrue.size;
  }

  /**
   * A level monitor that just fired waits in the heap until `until` (the end of its cooldown):
   * moved now, while it is in cache, rather than found still cooling at the series' next fact.
   */
  startCooling(m: MonitorRt, until: number): void {
    if (!this.levelTrue.delete(m)) return;
    this.nTrue = this.levelTrue.size;
    this.cooling.push(until, m);
    if (until < (this.buf[COOLING_UNTIL] as number)) this.buf[COOLING_UNTIL] = until;
  }

  /**
   * Queues the level monitors with a true predicate that a sample at `engine.now` must evaluate
   * (each once per fact: `queued`); those still in their cooldown wait in a heap.
   */
  levelDue(engine: { readonly now: number; enqueue(m: MonitorRt): void }): void {
    const now = engine.now;
    const buf = this.buf;
    if (this.nTrue === 0 && !((buf[COOLING_UNTIL] as number) <= now)) return;
    if ((buf[COOLING_UNTIL] as number) <= now) {
      for (const m of this.cooling.popUpTo(now)) if (m.levelOn) this.levelTrue.add(m);
      buf[COOLING_UNTIL] = this.cooling.minKey();
    }
    for (const m of this.levelTrue) {
      if (m.queued) continue;
      const last = m.lastMatchAt;
      if (last !== null && m.cooling(now)) {
        this.levelTrue.delete(m);
        const until = last + m.cooldownMs;
        this.cooling.push(until, m);
        if (until < (this.buf[COOLING_UNTIL] as number)) this.buf[COOLING_UNTIL] = until;
        continue;
      }
      engine.enqueue(m);
    }
    this.nTrue = this.levelTrue.size;
  }

  source(windowMs: number, pct: boolean): Source {
    for (const s of this.sources) if (s.windowMs === windowMs && s.pct === pct) return s;
    const last = this.n > 0 ? this.derivedAt(this.n - 1, windowMs, pct) : Number.NaN;
    // A new block goes after the others, and the ring moves up by one block.
    const o = this.ringOff;
    const buf = new Float64Array(this.buf.length + BLOCK);
    buf.set(this.buf.subarray(0, o));
    buf.set(this.buf.subarray(o), o + BLOCK);
    initBlock(buf, o, modeOf(windowMs, pct), last);
    this.buf = buf;
    this.ringOff = o + BLOCK;
    const s = new Source(this, o, windowMs, pct);
    this.sources.push(s);
    if (windowMs > this.retainMs) this.retainMs = windowMs;
    return s;
  }

  dropSource(s: Source): void {
    const i = this.sources.indexOf(s);
    if (i >= 0) {
      const o = s.off;
      const buf = new Float64Array(this.buf.length - BLOCK);
      buf.set(this.buf.subarray(0, o));
      buf.set(this.buf.subarray(o + BLOCK), o);
      this.buf = buf;
      this.ringOff -= BLOCK;
      this.sources.splice(i, 1);
      for (let k = i; k < this.sources.length; k++) (this.sources[k] as Source).off -= BLOCK;
    }
    this.retainMs = 0;
    for (const o of this.sources) if (o.windowMs > this.retainMs) this.retainMs = o.windowMs;
    if (this.covered > this.retainMs) this.covered = this.retainMs;
  }

  /**
   * Steps every source at the newest sample (event time `t.now`). A source whose new value stays
   * inside its gap, with nothing to re-arm, no timer due and nothing pending, only records the
   * value: decided from its block in `buf`, without touching the Source. The others take
   * `Source.step`. The values are computed here rather than passed around: a double passed to a
   * call that is not inlined is boxed in a fresh heap number.
   */
  stepSources(t: Toucher): void {
    const sources = this.sources;
    for (let k = 0, o = FIRST_BLOCK; k < sources.length; k++, o += BLOCK) {
      const buf = this.buf;
      const mode = buf[o + MODE] as number;
      const cur = mode === 0 ? this.valueAt(this.n - 1) : this.derivedLatest(o, mode);
      const prev = buf[o + LAST] as number;
      if (
        cur > (buf[o + GAP_LO] as number) &&
        cur < (buf[o + GAP_HI] as number) &&
        cur > (buf[o + REARM_UP_MAX] as number) &&
        cur < (buf[o + REARM_DOWN_MIN] as number) &&
        (buf[o + NEXT_DUE] as number) > t.now &&
        !Number.isNaN(prev)
      ) {
        buf[o + LAST] = cur;
      } else {
        (sources[k] as Source).step(prev, cur, t);
      }
    }
  }

  /** Appends a sample and forgets those no window can use any more. */
  push(at: number, value: number): void {
    if (this.retainMs === 0) {
      this.start = 0;
      this.n = 0;
    } else if (this.n === this.mask + 1) {
      this.grow();
    }
    const mask = this.mask;
    const at2 = this.ringOff + (((this.start + this.n) & mask) << 1);
    this.buf[at2] = at;
    this.buf[at2 + 1] = value;
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
    let cap = 2;
    while (cap < samples.length) cap *= 2;
    const r = this.ringOff;
    const buf = new Float64Array(r + 2 * cap);
    buf.set(this.buf.subarray(0, r));
    for (let o = FIRST_BLOCK; o < r; o += BLOCK) buf[o + BASE_ABS] = -1;
    for (const s of samples) {
      buf[r + 2 * this.n] = s.observedAt;
      buf[r + 2 * this.n + 1] = s.value;
      this.n++;
    }
    this.buf = buf;
    this.mask = cap - 1;
  }

  private grow(): void {
    const cap = 2 * (this.mask + 1);
    const r = this.ringOff;
    const buf = new Float64Array(r + 2 * cap);
    buf.set(this.buf.subarray(0, r));
    for (let i = 0; i < this.n; i++) {
      buf[r + 2 * i] = this.timeAt(i);
      buf[r + 2 * i + 1] = this.valueAt(i);
    }
    this.buf = buf;
    this.mask = cap - 1;
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

  /**
   * The change at the newest sample for the source whose block is at `o` (mode ≠ 0), moving its
   * base cursor forward (O(1) amortised).
   */
  private derivedLatest(o: number, mode: number): number {
    const i = this.n - 1;
    const value = this.valueAt(i);
    const x = this.timeAt(i) + (mode < 0 ? mode : -mode);
    const baseAbs = this.buf[o + BASE_ABS] as number;
    let b = baseAbs < 0 ? -1 : baseAbs - this.dropped;
    if (b < -1) b = -1;
    while (b + 1 < i && this.timeAt(b + 1) <= x) b++;
    this.buf[o + BASE_ABS] = b < 0 ? -1 : b + this.dropped;
    if (b < 0) return Number.NaN;
    const base = this.valueAt(b);
    if (mode > 0) return value - base;
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
