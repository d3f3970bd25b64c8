import { StreamRt } from "./stream-state";

/** A stream's persisted state: plain JSON (latest null: nothing applied yet). */
export type StreamState = {
  latest: number | null;
  series: { field: string; covered: number; t: number[]; v: number[] }[];
};

/**
 * Stream state to and from plain data: what the shard saves after a batch and loads on restart.
 *
 * @example loadStream("market_price:BTC-USD", streamState(stream))
 */
export function streamState(s: StreamRt): StreamState {
  return {
    latest: Number.isFinite(s.latest) ? s.latest : null,
    series: s.series.map((x) => ({
      field: x.field,
      covered: x.covered,
      t: x.t.slice(x.head),
      v: x.v.slice(x.head),
    })),
  };
}

export function loadStream(key: string, state: unknown): StreamRt {
  const st = state as StreamState;
  const s = new StreamRt(key);
  s.latest = st.latest ?? Number.NEGATIVE_INFINITY;
  for (const x of st.series) {
    const series = s.seriesFor(x.field);
    series.t = [...x.t];
    series.v = [...x.v];
    series.covered = x.covered;
  }
  return s;
}
