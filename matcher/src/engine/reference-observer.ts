import type { AcceptedFact } from "../../../shared/src/facts";
import type { Match, Sample } from "./types";

/**
 * What the reference evaluator saw at one evaluation of one monitor, for whoever needs the "why"
 * behind a match or its absence (explain). Observing changes nothing: the evaluator computes the
 * same matches with or without an observer.
 *
 * @example referenceEvaluate(ops, (step) => rows.push(step))
 */
export type ReferenceObserver = (step: MonitorStep) => void;

/** One condition evaluated at a fact (only conditions whose series the fact sampled appear). */
export type ConditionStep = {
  /** The condition's leaf index, left to right through the predicate. */
  index: number;
  /** The compared value at the series' previous sample (what a crossing compares from). */
  previous: number | undefined;
  /** The compared value now: the sample, its change, or its indicator (undefined: no value). */
  current: number | undefined;
  /** The raw sample of the condition's (stream, field) at this fact. */
  sample: number | undefined;
  /** The base sample a `change` was taken against (undefined: no change, or no base). */
  base: Sample | undefined;
  /** A crossing with hysteresis: armed before and after this evaluation. */
  armedBefore: boolean;
  armedAfter: boolean;
  /** Since when the raw comparison has held (null: it does not hold now). */
  heldSince: number | null;
  /** The condition's truth after this evaluation (with forMs and arming applied). */
  truth: boolean;
  /** The condition's indicator value now, where it has one (undefined: none or not warmed up). */
  indicator?: number | undefined;
  /** A relative condition: the right side (times × operand + plus) now; `current` is then d. */
  operand?: number | undefined;
  /** Samples in the condition's own series now (exact while an indicator warms up, which is when
   * explain reads it: a caller's retention bound may drop older samples once it has warmed up). */
  seriesLength: number;
  /** A relative condition: samples in the operand's series now (same caveat). */
  operandSeriesLength?: number;
};

/** One evaluation of one monitor at one fact, with the fire decision's inputs. */
export type MonitorStep = {
  monitorId: string;
  fact: AcceptedFact;
  conditions: ConditionStep[];
  /** The predicate over the conditions' current truths (false when expired: nothing evaluated). */
  truth: boolean;
  /** The fact is at or after the monitor's expiresAt and would otherwise have evaluated it: no
   * condition, no predicate, no match (`conditions` is empty). */
  expired: boolean;
  /** The predicate's truth at the previous evaluation (edge memory). */
  wasTrue: boolean;
  enabled: boolean;
  /** A `once` monitor that already fired. */
  done: boolean;
  lastMatchAt: number | null;
  /** Whether the cooldown since the last match has passed (true without a cooldown). */
  cooled: boolean;
  /** The match this evaluation produced, if it fired. */
  match: Match | undefined;
};
