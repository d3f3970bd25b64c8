import type { ConditionSite } from "./monitor-state";
import type { CompiledMonitor, Series, TrackedStream } from "./runtime-types";
import { StreamRecord } from "./stream-state";
import type { HistoryFn } from "./types";

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

  /** The streams changed since the last call. */
  takeDirty(): TrackedStream[] {
    const out = this.dirty;
    for (const s of out) s.dirty = false;
    this.dirty = [];
    return out;
  }

  /** Indexes the conditions of a live monitor (`sites[i]` is where condition i reads). */
  attach(m: CompiledMonitor, sites: ConditionSite[]): void {
    const read: Series[] = [];
    m.conds().forEach((c, i) => {
      const site = sites[i] as ConditionSite;
      const series = this.stream(site.stream).seriesFor(site.field);
      if (site.windowMs > series.covered) this.load(series, site.windowMs);
      const src = series.source(site.windowMs, site.pct);
      src.count++;
      src.index(c);
      if (!read.includes(series)) read.push(series);
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
      src.unindex(c);
      c.source = undefined;
      if (--src.count > 0) continue;
      const series = src.series;
      series.dropSource(src);
      if (series.sources.length === 0) {
        series.stream.drop(series);
        this.markDirty(series.stream);
      }
    }
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
