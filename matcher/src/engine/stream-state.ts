import type { Series, TrackedStream } from "./runtime-types";
import { RingSeries } from "./series";

/**
 * A TrackedStream (runtime-types.ts), shared by every monitor: the latest applied observedAt (for
 * staleness) and the (stream, field) series that registered conditions read, each retaining only
 * the samples the longest registered `change` window needs.
 *
 * @example const s = new StreamRecord("market_price:BTC-USD"); s.seriesFor("price");
 */
export class StreamRecord implements TrackedStream {
  latest = Number.NEGATIVE_INFINITY;
  /** Listed in the engine's dirty streams since the last takeDirty. */
  dirty = false;
  readonly series: Series[] = [];
  constructor(readonly key: string) {}

  get(field: string): Series | undefined {
    for (const s of this.series) if (s.field === field) return s;
    return undefined;
  }

  seriesFor(field: string): Series {
    let s = this.get(field);
    if (!s) {
      s = new RingSeries(this, field);
      this.series.push(s);
    }
    return s;
  }

  drop(s: Series): void {
    const i = this.series.indexOf(s);
    if (i >= 0) this.series.splice(i, 1);
  }
}
