import type { Indicator } from "../../../shared/src/predicate";
import { IndicatorState, indicatorKey } from "./indicator-state";
import type { Sample } from "./types";

/**
 * An indicator's value at index i (0-based here; DESIGN §8 counts from 1) of a series with values
 * `values`: a fresh IndicatorState fed the values from the series' first. That state is the
 * definition of the values (its header gives the arithmetic: running window sums re-summed
 * exactly every N samples), shared with the indexed engine so that both agree bit for bit by
 * construction. O(i) per call: the plain definition the tests hold the rest to.
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

/** Per series array (by identity), per indicator key: the values so far, one per sample (NaN: none). */
const memos = new WeakMap<readonly Sample[], Map<string, { state: IndicatorState; first: Sample; values: number[] }>>();

/**
 * The same value as `indicatorAt(series values, i, ind)`, remembered per series so a replay pays
 * O(1) per sample instead of O(i) (explain replays whole logs through the reference). The series
 * must keep its first sample (never trimmed while an indicator reads it): a memo that finds its
 * first sample gone throws rather than answer with values aligned to the wrong samples.
 *
 * @example seriesIndicatorAt(series, series.length - 1, { kind: "ema", samples: 12 })
 */
export function seriesIndicatorAt(series: readonly Sample[], i: number, ind: Indicator): number | undefined {
  const first = series[0];
  if (i < 0 || i >= series.length || !first) return undefined;
  let byKey = memos.get(series);
  if (!byKey) {
    byKey = new Map();
    memos.set(series, byKey);
  }
  const key = indicatorKey(ind);
  let memo = byKey.get(key);
  if (!memo) {
    memo = { state: new IndicatorState(ind), first, values: [] };
    byKey.set(key, memo);
  }
  if (memo.first !== first)
    throw new Error(`a series read by ${key} lost its first sample: keep indicator series whole`);
  while (memo.values.length <= i) memo.values.push(memo.state.push((series[memo.values.length] as Sample).value));
  const value = memo.values[i] as number;
  return Number.isNaN(value) ? undefined : value;
}
