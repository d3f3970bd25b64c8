import type { MonitorDefinition } from "../../../shared/src/monitor";
import { conditionsOf, isOperand } from "../../../shared/src/predicate";
import { streamKey } from "../../../shared/src/streams";
import type { SeriesBound } from "../engine/reference-retention";

/**
 * What explain's replay of one monitor must keep of each series (ReferenceOptions.retain): the
 * reference keeps every sample because any monitor registered later may read any history, but an
 * explain registers exactly one monitor before the first fact, so a series needs only what that
 * monitor's conditions read at the current and the previous sample:
 * - a plain value: 2 samples (a crossing compares with the previous one);
 * - `change {windowMs}`: 2 samples and every possible base of the previous sample's change;
 * - an indicator: the whole series (its running state starts at the series' first sample, and
 *   the reference remembers its values per series from there: reference-indicators.ts);
 * - a series the monitor does not read: 1 sample.
 * Bounds for one series read by several conditions or operands combine (the larger of each).
 *
 * @example seriesRetention(def)("market_price:SPX", "price") // "all" for an sma 200; { samples: 2, windowMs: 0 } for a plain crossing
 */
export function seriesRetention(def: MonitorDefinition): (key: string, field: string) => SeriesBound {
  const bounds = new Map<string, SeriesBound>();
  const need = (key: string, field: string, bound: SeriesBound): void => {
    const id = `${key}\n${field}`;
    bounds.set(id, larger(bounds.get(id), bound));
  };
  for (const c of conditionsOf(def.predicate)) {
    const own = streamKey(c.stream);
    need(own, c.field, { samples: 2, windowMs: c.change?.windowMs ?? 0 });
    if (c.indicator) need(own, c.field, "all");
    if (isOperand(c.value)) {
      const key = streamKey(c.value.stream ?? c.stream);
      need(key, c.value.field, c.value.indicator ? "all" : { samples: 2, windowMs: 0 });
    }
  }
  return (key, field) => bounds.get(`${key}\n${field}`) ?? { samples: 1, windowMs: 0 };
}

function larger(a: SeriesBound | undefined, b: SeriesBound): SeriesBound {
  if (a === undefined) return b;
  if (a === "all" || b === "all") return "all";
  return { samples: Math.max(a.samples, b.samples), windowMs: Math.max(a.windowMs, b.windowMs) };
}
