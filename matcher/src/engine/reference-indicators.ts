import type { Indicator } from "../../../shared/src/predicate";
import { IndicatorState } from "./indicator-state";

/**
 * An indicator's value at index i (0-based here; DESIGN §8 counts from 1) of a series with values
 * `values`, as the reference evaluator reads it: a fresh IndicatorState fed the values from the
 * series' first. That state is the definition of the values (its header gives the arithmetic:
 * running window sums re-summed exactly every N samples), shared with the indexed engine so that
 * both agree bit for bit by construction. O(i) per call, slow on purpose like the rest of the
 * reference.
 *
 * @example indicatorAt([1, 2, 3], 2, { kind: "sma", samples: 3 }) // 2
 */
export function indicatorAt(values: readonly number[], i: number, ind: Indicator): number | undefined {
  if (i < 0 || i >= values.length) return undefined;
  const state = new IndicatorState(ind);
  let value = Number.NaN;
  for (let j = 0; j <= i; j++) value = state.push(values[j] as number);
  return Number.isNaN(value) ? undefined : value;
}
