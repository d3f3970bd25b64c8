import type { Indicator } from "../../../shared/src/predicate";
import { IndicatorState, indicatorKey, usesWindow } from "./indicator-state";
import type { ConditionSite } from "./monitor-state";
import { RelativeCondition } from "./relative-condition";
import type { CompiledMonitor, IndicatorWindow, Series, Source, TrackedStream } from "./runtime-types";
import { StreamRecord } from "./stream-state";
import type { HistoryFn, Sample } from "./types";
import { WindowRing } from "./window-ring";

/**
 * The engine's streams and how monitors hang off them: attaching a monitor's conditions to the
 * sources of the series they read (loading older samples through the history callback when a
 * longer window arrives), detaching them, level listeners, and which streams changed.
 *
 * @example const index = new StreamIndex(history); index.attach(monitor, sites);
 */
export class StreamIndex {
  readonly streams = new Map<string, TrackedStream>();
  private dirty: TrackedStream[] = [];

  constructor(private readonly history: HistoryFn | undefined) {}

  stream(key: string): TrackedStream {
    let s = this.streams.get(key);
    if (!s) {
      s = new StreamRecord(key);
      this.streams.set(key, s);
    }
    return s;
  }

  markDirty(s: TrackedStream): void {
    if (s.dirty) return;
    s.dirty = true;
    this.dirty.push(s);
  }

  /** The streams changed since the last call (a forgotten one is not listed: its state is gone). */
  takeDirty(): TrackedStream[] {
    const out = this.dirty.filter((s) => this.streams.get(s.key) === s);
    for (const s of this.dirty) s.dirty = false;
    this.dirty = [];
    return out;
  }

  /** The streams no registered condition reads (only their latest observedAt is kept). */
  unread(): string[] {
    const out: string[] = [];
    for (const [key, s] of this.streams) if (s.series.length === 0) out.push(key);
    return out;
  }

  /** Drops those of `keys` that no condition reads; returns the ones dropped. */
  forget(keys: readonly string[]): string[] {
    return keys.filter((key) => this.streams.get(key)?.series.length === 0 && this.streams.delete(key));
  }

  /** Indexes the conditions of a live monitor (`sites[i]` is where condition i reads). */
  attach(m: CompiledMonitor, sites: ConditionSite[]): void {
    const read: Series[] = [];
    m.conds().forEach((c, i) => {
      const site = sites[i] as ConditionSite;
      const series = this.seriesOf(site.stream, site.field, site.windowMs);
      const src = this.sourceOf(series, site.windowMs, site.pct, site.indicator);
      src.count++;
      if (!read.includes(series)) read.push(series);
      if (c instanceof RelativeCondition && site.operand) {
        const o = site.operand;
        const other = this.seriesOf(o.stream, o.field, 0);
        const right = this.sourceOf(other, 0, false, o.indicator);
        right.count++;
        c.left = src;
        c.right = right;
        c.source = src;
        series.relatives.push(c);
        if (other !== series) other.relatives.push(c);
        if (!read.includes(other)) read.push(other);
        return;
      }
      src.index(c);
      series.watchExpiry(c);
    });
    if (m.level) m.series = read;
    if (m.level && m.lastTruth) this.setLevel(m, true);
  }

  /** Unindexes a monitor's conditions; series nobody reads any more are dropped. */
  detach(m: CompiledMonitor): void {
    this.setLevel(m, false);
    for (const c of m.conds()) {
      const src = c.source;
      if (!src) continue;
      c.source = undefined;
      if (c instanceof RelativeCondition) {
        c.dead = true;
        const right = c.right as Source;
        remove(src.series.relatives, c);
        remove(right.series.relatives, c);
        this.release(src);
        this.release(right);
        continue;
      }
      src.unindex(c);
      this.release(src);
    }
  }

  /** One condition fewer reads `src`: at none it goes, and its series when no source is left. */
  private release(src: Source): void {
    if (--src.count > 0) return;
    const series = src.series;
    series.dropSource(src);
    if (series.window && !series.sources.some((o) => o.indicator?.windowed)) series.window = undefined;
    // Persisted stream state lists indicator states: it must not keep a dropped one.
    if (src.indicator) this.markDirty(series.stream);
    if (series.sources.length === 0) {
      series.stream.drop(series);
      this.markDirty(series.stream);
    }
  }

  /** The series of (stream, field), with the samples a window of windowMs needs loaded. */
  private seriesOf(stream: string, field: string, windowMs: number): Series {
    const series = this.stream(stream).seriesFor(field);
    if (windowMs > series.covered) this.load(series, windowMs);
    return series;
  }

  /**
   * The source of (windowMs, pct, indicator) on a series, created if needed. A new indicator
   * state takes the state saved with a restored stream, or else is fed the series' whole history
   * (from its first stored sample), so a monitor registered today sees the past.
   */
  private sourceOf(series: Series, windowMs: number, pct: boolean, ind: Indicator | undefined): Source {
    const key = indicatorKey(ind);
    const found = series.findSource(windowMs, pct, key);
    if (found) return found;
    if (!ind) return series.addSource(windowMs, pct, key, undefined);
    let history: Sample[] | undefined;
    const past = () => {
      history ??= this.history
        ? this.history(series.stream.key, series.field, Number.NEGATIVE_INFINITY)
        : series.samples();
      return history;
    };
    const window = usesWindow(ind) ? this.windowOf(series, ind.samples + 1, past) : undefined;
    const state = new IndicatorState(ind, window as WindowRing | undefined);
    const saved = series.saved?.states.get(key);
    series.saved?.states.delete(key);
    // A first-format state counts only where the log no longer holds the N samples that rebuild it.
    const fallback = series.saved?.fallbacks?.get(key);
    const useFallback = () => fallback !== undefined && past().length < ind.samples && state.load(fallback);
    if ((saved === undefined || !state.load(saved)) && !useFallback()) {
      // Replayed on a window of its own: the shared one already holds the newest values.
      const replay = new IndicatorState(ind);
      for (const s of past()) replay.push(s.value);
      state.load(replay.save());
    }
    this.markDirty(series.stream);
    return series.addSource(windowMs, pct, key, state);
  }

  /**
   * The series' shared window for its sma and Bollinger states, holding at least `capacity` values
   * once the series has had them: created (from a restored stream's saved values) or grown, and
   * filled from the history when that holds more than it does.
   */
  private windowOf(series: Series, capacity: number, past: () => Sample[]): IndicatorWindow {
    let window = series.window;
    if (window && window.capacity >= capacity) return window;
    if (window) window.grow(capacity);
    else {
      window = new WindowRing(capacity);
      series.window = window;
      const saved = series.saved?.window;
      if (saved) {
        window.load(saved);
        if (saved.length >= capacity) return window;
      }
    }
    const history = past();
    if (history.length > window.filled) window.load(history.map((s) => s.value));
    return window;
  }

  /** A level monitor's predicate turned true or false: (un)listen on every series it reads. */
  setLevel(m: CompiledMonitor, on: boolean): void {
    if (m.levelOn === on) return;
    m.levelOn = on;
    for (const s of m.series) s.setLevel(m, on);
  }

  /** Loads the samples a window of `windowMs` needs from the history callback. */
  private load(series: Series, windowMs: number): void {
    const history = this.history;
    const stream = series.stream;
    if (history) {
      let lastT = series.size > 0 ? series.timeAt(series.size - 1) : undefined;
      // A new series first learns its newest sample, then asks for the window before it.
      let samples = lastT === undefined ? history(stream.key, series.field, Number.POSITIVE_INFINITY) : undefined;
      if (samples) lastT = samples[samples.length - 1]?.observedAt;
      if (lastT !== undefined && (windowMs > 0 || !samples)) {
        samples = history(stream.key, series.field, lastT - windowMs);
      }
      if (samples) series.replace(samples);
      if (lastT !== undefined && lastT > stream.latest) stream.latest = lastT;
    }
    series.covered = windowMs;
    this.markDirty(stream);
  }
}

function remove<T>(list: T[], item: T): void {
  const i = list.indexOf(item);
  if (i >= 0) list.splice(i, 1);
}
