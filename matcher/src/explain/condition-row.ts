import type { ExplainCondition } from "../../../shared/src/contract/explain";
import { type Condition, isOperand } from "../../../shared/src/predicate";
import type { ConditionStep } from "../engine/reference-observer";
import { endedRunWords, type ForRun } from "./for-runs";
import type { Leaf } from "./leaves";
import { relativeComparison, relativeNoValue, warmUp } from "./relative-wording";
import { duration, num, rfc3339 } from "./wording";

/**
 * One condition at one evaluation, as explain shows it: its values, the comparison written out and
 * the reason for its truth in words. Pure: the reference evaluator's ConditionStep in, a row out;
 * `ended` is the for-timer run this evaluation broke, if any, which the reason then names.
 *
 * @example explainCondition(leaf, step, fact.observedAt).reason // "crossed from 99.2 to 100.4"
 */
export function explainCondition(leaf: Leaf, step: ConditionStep, now: number, ended?: ForRun): ExplainCondition {
  const c = leaf.cond;
  const reason = reasonOf(c, step, now);
  return {
    index: leaf.index,
    path: leaf.path,
    evaluated: true,
    sample: step.sample ?? null,
    ...extrasOf(c, step),
    compared: step.current ?? null,
    previous: step.previous ?? null,
    comparison: comparisonText(c, step),
    truth: step.truth,
    reason: ended ? `${reason}; ${endedRunWords(c, ended)}` : reason,
  };
}

/**
 * A condition this fact did not evaluate: its truth carries over from its last evaluation. The
 * reason says why: the fact is not a sample of its series, or the monitor had expired.
 */
export function carriedCondition(leaf: Leaf, truth: boolean, reason = "not sampled by this fact"): ExplainCondition {
  return {
    index: leaf.index,
    path: leaf.path,
    evaluated: false,
    sample: null,
    ...extrasOf(leaf.cond, undefined),
    compared: null,
    previous: null,
    comparison: "not evaluated",
    truth,
    reason,
  };
}

/** The level a condition compares with: its number, or 0 for a relative condition (d = left − right). */
function levelOf(c: Condition): number {
  return typeof c.value === "number" ? c.value : 0;
}

function extrasOf(c: Condition, step: ConditionStep | undefined): Partial<ExplainCondition> {
  const out: Partial<ExplainCondition> = {};
  if (c.change) {
    const base = step?.base;
    out.change = {
      value: step?.current ?? null,
      base: base ? { observedAt: base.observedAt, value: base.value } : null,
    };
  }
  if (c.indicator) out.indicator = { kind: c.indicator.kind, value: step?.indicator ?? null };
  if (isOperand(c.value)) out.operand = { value: step?.operand ?? null };
  return out;
}

function comparisonText(c: Condition, s: ConditionStep): string {
  return isOperand(c.value) ? relativeComparison(c, s) : comparisonOf(c, s.previous, s.current);
}

const SYMBOL: Record<string, string> = { gt: ">", gte: "≥", lt: "<", lte: "≤", eq: "=", neq: "≠" };

function comparisonOf(c: Condition, prev: number | undefined, cur: number | undefined): string {
  if (cur === undefined) return "no value";
  if (c.op === "crosses_above" || c.op === "crosses_below") {
    const words = c.op === "crosses_above" ? "crosses above" : "crosses below";
    return `${prev === undefined ? "none" : num(prev)} → ${num(cur)} ${words} ${num(levelOf(c))}`;
  }
  if (Array.isArray(c.value)) {
    const [lo, hi] = c.value;
    return c.op === "between"
      ? `${num(lo)} ≤ ${num(cur)} ≤ ${num(hi)}`
      : `${num(cur)} < ${num(lo)} or ${num(cur)} > ${num(hi)}`;
  }
  return `${num(cur)} ${SYMBOL[c.op] ?? c.op} ${num(levelOf(c))}`;
}

/** The rule a non-crossing condition states, as in "99.8 is not > 100". */
function ruleOf(c: Condition): string {
  if (Array.isArray(c.value)) return `${c.op} ${num(c.value[0])} and ${num(c.value[1])}`;
  return `${SYMBOL[c.op] ?? c.op} ${num(levelOf(c))}`;
}

function reasonOf(c: Condition, s: ConditionStep, now: number): string {
  if (s.current === undefined) return noValueReason(c, s);
  if (c.op === "crosses_above" || c.op === "crosses_below") return crossingReason(c, s, now);
  if (s.heldSince === null) return `${isOperand(c.value) ? "d = " : ""}${num(s.current)} is not ${ruleOf(c)}`;
  return (c.forMs ?? 0) > 0 ? heldReason(c, s, now) : `holds: ${comparisonText(c, s)}`;
}

function noValueReason(c: Condition, s: ConditionStep): string {
  if (c.change) {
    return s.base ? "base sample is 0: no percent change" : `no base sample ${duration(c.change.windowMs)} back`;
  }
  if (isOperand(c.value)) return relativeNoValue(c, c.value, s);
  if (c.indicator) return `no value yet: ${warmUp(c.indicator, s.seriesLength)}`;
  return "no value";
}

/** A raw comparison that holds, under a for-timer: how long of how long. */
function heldReason(c: Condition, s: ConditionStep, now: number): string {
  const since = s.heldSince ?? now;
  const of = `${duration(now - since)} of ${duration(c.forMs ?? 0)}`;
  return s.truth ? `held since ${rfc3339(since)}, ${of}` : `for-timer started at ${rfc3339(since)}, ${of} held`;
}

function crossingReason(c: Condition, s: ConditionStep, now: number): string {
  const above = c.op === "crosses_above";
  const level = levelOf(c);
  const h = c.hysteresis;
  const rearm = h === undefined ? "" : `${above ? "≤" : "≥"} ${num(above ? level - h : level + h)}`;
  const cur = s.current ?? 0;
  const prev = s.previous;
  if (prev === undefined) {
    const none = isOperand(c.value)
      ? "no d at the previous evaluation to cross from"
      : "no previous value to cross from";
    return withArming(none, s, rearm);
  }
  const crossed = above ? prev <= level && cur > level : prev >= level && cur < level;
  if (crossed && !s.armedBefore)
    return `crossed from ${num(prev)} to ${num(cur)}, but disarmed by hysteresis since its last firing: it re-arms once ${rearm}`;
  if (!crossed)
    return withArming(`not crossed: ${num(prev)} → ${num(cur)} ${missed(above, prev, cur, level)}`, s, rearm);
  const text = s.truth ? `crossed from ${num(prev)} to ${num(cur)}` : heldReason(c, s, now);
  return withArming(text, s, rearm);
}

/** How a pair of samples missed the level. */
function missed(above: boolean, prev: number, cur: number, level: number): string {
  const L = num(level);
  if (above) return cur > level ? `was already > ${L}` : prev > level ? `falls to ≤ ${L}` : `stays ≤ ${L}`;
  return cur < level ? `was already < ${L}` : prev < level ? `rises to ≥ ${L}` : `stays ≥ ${L}`;
}

/** Hysteresis news after the reason: disarmed now (until the re-arm level), or just re-armed. */
function withArming(text: string, s: ConditionStep, rearm: string): string {
  if (rearm === "") return text;
  if (!s.armedAfter) return `${text}; disarmed by hysteresis until ${rearm}`;
  if (!s.armedBefore) return `${text}; re-armed (${rearm})`;
  return text;
}
