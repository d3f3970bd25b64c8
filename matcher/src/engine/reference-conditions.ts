import type { Condition, Indicator } from "../../../shared/src/predicate";
import { isOperand } from "../../../shared/src/predicate";
import { streamKey } from "../../../shared/src/streams";
import { seriesIndicatorAt } from "./reference-indicators";
import type { ConditionStep } from "./reference-observer";
import type { Sample } from "./types";

/**
 * The reference evaluator's conditions (rules in reference.ts): one condition's state, and one
 * evaluation of it at a fact. Plain and slow on purpose, like the rest of the reference.
 */

export type RefStream = { latest: number; series: Map<string, Sample[]> };
/** The right side of a relative condition, resolved: times × (key, field, indicator) + plus. */
type RefOperand = { key: string; field: string; indicator: Indicator | undefined; times: number; plus: number };
export type RefCondition = {
  cond: Condition;
  key: string;
  operand: RefOperand | undefined;
  truth: boolean;
  heldSince: number | null;
  armed: boolean;
  /** A relative condition's d at its previous evaluation (undefined: none, or no value then). */
  prevD: number | undefined;
};

export function newCondition(cond: Condition): RefCondition {
  const v = cond.value;
  const operand = isOperand(v)
    ? {
        key: streamKey(v.stream ?? cond.stream),
        field: v.field,
        indicator: v.indicator,
        times: v.times ?? 1,
        plus: v.plus ?? 0,
      }
    : undefined;
  return { cond, key: streamKey(cond.stream), operand, truth: false, heldSince: null, armed: true, prevD: undefined };
}

/** Whether a fact on `factKey` that sampled `sampled` is an evaluation of condition `c`. */
export function samplesCondition(c: RefCondition, factKey: string, sampled: ReadonlySet<string>): boolean {
  if (factKey === c.key && sampled.has(c.cond.field)) return true;
  return c.operand !== undefined && factKey === c.operand.key && sampled.has(c.operand.field);
}

/**
 * Evaluates condition `c` (leaf `index`) if the fact on `factKey` sampled one of its series
 * (`sampled`: the fields it sampled); returns what the observer sees, or undefined when the
 * condition was not evaluated.
 */
export function evaluateCondition(
  c: RefCondition,
  index: number,
  factKey: string,
  sampled: ReadonlySet<string>,
  streams: ReadonlyMap<string, RefStream>,
  now: number,
): ConditionStep | undefined {
  const own = factKey === c.key && sampled.has(c.cond.field);
  if (!samplesCondition(c, factKey, sampled)) return undefined;
  const leftSeries = streams.get(c.key)?.series.get(c.cond.field) ?? [];
  const armedBefore = c.armed;
  const ind = c.cond.indicator;
  if (c.operand) {
    const o = c.operand;
    const rightSeries = streams.get(o.key)?.series.get(o.field) ?? [];
    const left = valueAt(leftSeries, leftSeries.length - 1, c.cond);
    const r = valueAt(rightSeries, rightSeries.length - 1, { indicator: o.indicator });
    const right = r === undefined ? undefined : o.times * r + o.plus;
    const d = left === undefined || right === undefined ? undefined : left - right;
    const prev = c.prevD;
    stepCondition(c, prev, d, 0, now);
    c.prevD = d;
    const step = stepOf(c, index, prev, d, leftSeries, armedBefore);
    const rightLength = rightSeries.length;
    return { ...step, indicator: ind ? left : undefined, operand: right, operandSeriesLength: rightLength };
  }
  if (!own) return undefined;
  const last = leftSeries.length - 1;
  const prev = valueAt(leftSeries, last - 1, c.cond);
  const cur = valueAt(leftSeries, last, c.cond);
  stepCondition(c, prev, cur, c.cond.value as number | [number, number], now);
  const step = stepOf(c, index, prev, cur, leftSeries, armedBefore);
  if (c.cond.change) step.base = baseAt(leftSeries, last, c.cond.change.windowMs);
  if (ind) step.indicator = cur;
  return step;
}

function stepOf(
  c: RefCondition,
  index: number,
  previous: number | undefined,
  current: number | undefined,
  series: readonly Sample[],
  armedBefore: boolean,
): ConditionStep {
  return {
    index,
    previous,
    current,
    sample: series.at(-1)?.value,
    base: undefined,
    armedBefore,
    armedAfter: c.armed,
    heldSince: c.heldSince,
    truth: c.truth,
    seriesLength: series.length,
  };
}

/** The compared value at sample i of a series: the sample, its change, or its indicator. */
function valueAt(
  series: readonly Sample[],
  i: number,
  how: { change?: Condition["change"]; indicator?: Indicator | undefined },
): number | undefined {
  const sample = series[i];
  if (!sample) return undefined;
  if (how.indicator) {
    return seriesIndicatorAt(series, i, how.indicator);
  }
  if (!how.change) return sample.value;
  const base = baseAt(series, i, how.change.windowMs);
  if (!base) return undefined;
  if (how.change.mode === "abs") return sample.value - base.value;
  return base.value === 0 ? undefined : (100 * (sample.value - base.value)) / base.value;
}

/** A change's base for sample i: the newest sample with observedAt ≤ sample i's − windowMs. */
function baseAt(series: readonly Sample[], i: number, windowMs: number): Sample | undefined {
  const sample = series[i];
  if (!sample) return undefined;
  for (let j = i; j >= 0; j--) {
    const s = series[j];
    if (s && s.observedAt <= sample.observedAt - windowMs) return s;
  }
  return undefined;
}

/** One evaluation: prev and cur are the compared values (a relative condition's d, with value 0). */
function stepCondition(
  c: RefCondition,
  prev: number | undefined,
  cur: number | undefined,
  value: number | [number, number],
  now: number,
): void {
  const op = c.cond.op;
  let raw: boolean;
  if (op === "crosses_above" || op === "crosses_below") {
    const level = value as number;
    const above = op === "crosses_above";
    const crossed =
      prev !== undefined && cur !== undefined && (above ? prev <= level && cur > level : prev >= level && cur < level);
    raw = crossed && c.armed;
    const h = c.cond.hysteresis;
    if (h !== undefined && cur !== undefined && (above ? cur <= level - h : cur >= level + h)) c.armed = true;
  } else {
    raw = cur !== undefined && compare(op, cur, value);
  }
  if (!raw) {
    c.heldSince = null;
    c.truth = false;
    return;
  }
  if (c.heldSince === null) c.heldSince = now;
  // forMs 0 is the bare comparison: a relative condition's evaluations may go back in event time
  // (facts of two streams), where now − t0 < 0 must not make a holding comparison false.
  const forMs = c.cond.forMs ?? 0;
  c.truth = forMs === 0 || now - c.heldSince >= forMs;
  if (c.truth && c.cond.hysteresis !== undefined) c.armed = false;
}

function compare(op: Condition["op"], d: number, value: number | [number, number]): boolean {
  if (Array.isArray(value)) {
    const [lo, hi] = value;
    return op === "between" ? lo <= d && d <= hi : d < lo || d > hi;
  }
  switch (op) {
    case "gt":
      return d > value;
    case "gte":
      return d >= value;
    case "lt":
      return d < value;
    case "lte":
      return d <= value;
    case "eq":
      return d === value;
    case "neq":
      return d !== value;
    default:
      return false;
  }
}
