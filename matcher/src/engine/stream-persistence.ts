import { firstFormatIndicators } from "./first-indicator-format";
import type { SavedIndicators, Series, TrackedStream } from "./runtime-types";
import { StreamRecord } from "./stream-state";

/**
 * A stream's persisted state: plain JSON (latest null: nothing applied yet). What the shard saves
 * after each batch is only `latest`: the retained samples of its series are a suffix of the fact
 * log, so `restore` reloads them through the history callback instead of rewriting them on every
 * batch. `series` is filled in for snapshots (tests, rebuild checks) and is loaded when present.
 */
export type StreamState = {
  latest: number | null;
  series?: { field: string; covered: number; t: number[]; v: number[] }[];
  /**
   * Indicator states, [field, indicatorKey, state] (indicator-state.ts): unlike samples they
   * cannot be reloaded from the log (ema and rsi depend on every sample since the series' first,
   * and the log is pruned), so they are saved. Absent when the stream has none.
   */
  indicators?: [field: string, key: string, state: number[]][];
  /** The values of each series' window shared by its sma/Bollinger states (window-ring.ts), oldest first. */
  windows?: [field: string, values: number[]][];
  /** The first format (a window per state, no running sums): read by first-indicator-format.ts. */
  ind?: unknown;
};

/**
 * Stream state to and from plain data: what the shard saves after a batch and loads on restart.
 *
 * @example loadStream("market_price:BTC-USD", streamState(stream))
 */
export function streamState(s: TrackedStream, withSamples = false): StreamState {
  const latest = Number.isFinite(s.latest) ? s.latest : null;
  const ind: NonNullable<StreamState["indicators"]> = [];
  const win: NonNullable<StreamState["windows"]> = [];
  for (const x of s.series) {
    for (const src of x.sources) if (src.indicator) ind.push([x.field, src.indicatorKey, src.indicator.save()]);
    if (x.window) win.push([x.field, x.window.values()]);
  }
  const indicators = ind.length === 0 ? {} : win.length > 0 ? { indicators: ind, windows: win } : { indicators: ind };
  if (!withSamples) return { latest, ...indicators };
  return {
    latest,
    ...indicators,
    series: s.series.map((x) => {
      const samples = x.samples();
      return {
        field: x.field,
        covered: x.covered,
        t: samples.map((p) => p.observedAt),
        v: samples.map((p) => p.value),
      };
    }),
  };
}

export function loadStream(key: string, state: unknown): TrackedStream {
  const st = state as StreamState;
  const s = new StreamRecord(key);
  s.latest = st.latest ?? Number.NEGATIVE_INFINITY;
  for (const x of st.series ?? []) {
    const series = s.seriesFor(x.field);
    series.replace(x.t.map((observedAt, i) => ({ observedAt, value: x.v[i] ?? 0 })));
    series.covered = x.covered;
  }
  for (const [field, key, state] of st.indicators ?? []) savedOf(s.seriesFor(field)).states.set(key, state);
  for (const [field, values] of st.windows ?? []) savedOf(s.seriesFor(field)).window = values;
  if (st.indicators === undefined && st.ind !== undefined) loadFirstFormat(s, st.ind);
  return s;
}

/** A state saved in the first indicator format (shards deployed up to commit efdb1c2). */
function loadFirstFormat(s: TrackedStream, ind: unknown): void {
  const first = firstFormatIndicators(ind);
  for (const [field, key, state] of first.states) savedOf(s.seriesFor(field)).states.set(key, state);
  for (const [field, key, state] of first.fallbacks) {
    const saved = savedOf(s.seriesFor(field));
    saved.fallbacks ??= new Map();
    saved.fallbacks.set(key, state);
  }
  for (const [field, values] of first.windows) savedOf(s.seriesFor(field)).window = values;
}

function savedOf(series: Series): SavedIndicators {
  series.saved ??= { states: new Map(), window: undefined };
  return series.saved;
}
