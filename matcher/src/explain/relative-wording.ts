import type { Condition, Indicator, Operand } from "../../../shared/src/predicate";
import { streamKey } from "../../../shared/src/streams";
import type { ConditionStep } from "../engine/reference-observer";
import { num } from "./wording";

/**
 * Explain's words for indicators and relative conditions (DESIGN §8, indicators): the warm-up
 * that leaves an indicator without a value, and the comparison of d = left − right with 0.
 *
 * @example warmUp({ kind: "sma", samples: 200 }, 37) // "sma 200 needs 200 samples, have 37"
 */
export function warmUp(ind: Indicator, have: number): string {
  return `${ind.kind} ${ind.samples} needs ${needed(ind)} samples, have ${have}`;
}

/** Samples an indicator needs before it has a value (rsi N needs N changes, so N + 1 samples). */
function needed(ind: Indicator): number {
  return ind.kind === "rsi" ? ind.samples + 1 : ind.samples;
}

const SYMBOL: Record<string, string> = { gt: ">", gte: "≥", lt: "<", lte: "≤", eq: "=", neq: "≠" };

/**
 * A relative condition's comparison written out: `d = 101.2 − 100.4 = 0.8 > 0`, and for a
 * crossing `d = 101.2 − 100.4 = 0.8; −0.3 → 0.8 crosses above 0` (the previous d is the one at
 * this condition's previous evaluation).
 */
export function relativeComparison(c: Condition, s: ConditionStep): string {
  const d = s.current;
  if (d === undefined) return "no value";
  const left = c.indicator ? s.indicator : s.sample;
  const written = `d = ${left === undefined ? "?" : num(left)} − ${s.operand === undefined ? "?" : num(s.operand)} = ${num(d)}`;
  if (c.op === "crosses_above" || c.op === "crosses_below") {
    const from = s.previous === undefined ? "none" : num(s.previous);
    return `${written}; ${from} → ${num(d)} ${c.op === "crosses_above" ? "crosses above" : "crosses below"} 0`;
  }
  return `${written} ${SYMBOL[c.op] ?? c.op} 0`;
}

/** Why a relative condition has no d: which side has no value, and why. */
export function relativeNoValue(c: Condition, operand: Operand, s: ConditionStep): string {
  const leftValue = c.indicator ? s.indicator : s.sample;
  if (leftValue === undefined) {
    if (s.seriesLength === 0) return `no value yet: no sample of ${c.field}`;
    return `no value yet: ${c.indicator ? warmUp(c.indicator, s.seriesLength) : "no value"}`;
  }
  const have = s.operandSeriesLength ?? 0;
  if (have === 0) {
    const where = operand.stream ? ` of ${streamKey(operand.stream)}` : "";
    return `no value yet for the operand: no sample of ${operand.field}${where}`;
  }
  return `no value yet for the operand: ${operand.indicator ? warmUp(operand.indicator, have) : "no value"}`;
}
