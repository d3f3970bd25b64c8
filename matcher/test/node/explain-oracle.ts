import { expect } from "vitest";
import type { ExplainCondition, ExplainRow } from "../../../shared/src/contract/explain";
import type { AcceptedFact } from "../../../shared/src/facts";
import type { MonitorDefinition } from "../../../shared/src/monitor";
import { type Condition, conditionsOf, type Indicator, isOperand, type Predicate } from "../../../shared/src/predicate";
import { streamKey } from "../../../shared/src/streams";
import { factFields } from "../../src/engine/fact-fields";
import { indicatorAt } from "../../src/engine/reference-indicators";

/**
 * An oracle for explain's rows written from DESIGN §8 rather than from the reference evaluator:
 * it keeps each series' applied samples itself (duplicates and stale facts skipped) and checks,
 * row by row, that the rows are exactly the facts that evaluate the monitor (or would have, past
 * expiresAt), that each evaluated condition's sample, indicator, operand, d and previous value are
 * the ones the rules give (a relative crossing's previous d is the one at the condition's previous
 * evaluation), that truths without a for-timer or hysteresis are the raw comparison, that
 * unevaluated conditions carry their truth, and that the row's truth and decision follow.
 */
export function checkRows(def: MonitorDefinition, facts: readonly AcceptedFact[], rows: readonly ExplainRow[]): void {
  const conds = conditionsOf(def.predicate);
  const series = new Map<string, number[]>();
  const latest = new Map<string, number>();
  const seen = new Set<string>();
  const lastD: (number | null)[] = conds.map(() => null);
  let truths = conds.map(() => false);
  const expected: string[] = [];
  const byId = new Map(rows.map((r) => [r.eventId, r]));
  for (const fact of facts) {
    if (seen.has(fact.eventId)) continue;
    seen.add(fact.eventId);
    if (fact.observedAt < (latest.get(fact.streamKey) ?? Number.NEGATIVE_INFINITY)) continue;
    latest.set(fact.streamKey, fact.observedAt);
    const sampled = new Set<string>();
    for (const [field, value] of factFields(fact)) {
      const id = `${fact.streamKey}\n${field}`;
      series.set(id, [...(series.get(id) ?? []), value]);
      sampled.add(field);
    }
    const evaluates = conds.map((c) => sidesOf(c).some((s) => s.key === fact.streamKey && sampled.has(s.field)));
    if (!evaluates.some(Boolean)) continue;
    expected.push(fact.eventId);
    const row = byId.get(fact.eventId);
    if (!row) continue; // the ids are compared below
    const expired = def.expiresAt !== undefined && fact.observedAt >= def.expiresAt;
    if (expired) {
      expect(row.truth).toBe(false);
      expect(row.decision.outcome).toBe(def.enabled ? "expired" : "disabled");
      expect(row.decision.reason).toContain(`expired at ${new Date(def.expiresAt ?? 0).toISOString()}`);
      for (const c of row.conditions) {
        expect(c.evaluated).toBe(false);
        expect(c.truth).toBe(truths[c.index]);
        expect(c.reason).toContain("expired at");
      }
      continue;
    }
    expect(row.decision.outcome).not.toBe("expired");
    for (const [i, c] of row.conditions.entries()) {
      const cond = conds[i] as Condition;
      expect(c.index).toBe(i);
      expect(c.evaluated).toBe(evaluates[i]);
      if (!c.evaluated) {
        expect(c.truth).toBe(truths[i]);
        expect(c.reason).toBe("not sampled by this fact");
        continue;
      }
      const values = (key: string, field: string) => series.get(`${key}\n${field}`) ?? [];
      if (isOperand(cond.value)) {
        checkRelative(cond, c, values, lastD[i] ?? null);
        lastD[i] = c.compared;
      } else checkPlain(cond, c, values(streamKey(cond.stream), cond.field));
      checkTruth(cond, c);
    }
    truths = row.conditions.map((c) => c.truth);
    expect(row.truth).toBe(evalTree(def.predicate, truths));
    if (row.decision.outcome === "matched" || row.decision.outcome === "suppressed") expect(row.truth).toBe(true);
    if (row.decision.outcome === "false") expect(row.truth).toBe(false);
  }
  expect(rows.map((r) => r.eventId)).toEqual(expected);
}

type Side = { key: string; field: string };
function sidesOf(c: Condition): Side[] {
  const own = { key: streamKey(c.stream), field: c.field };
  if (!isOperand(c.value)) return [own];
  return [own, { key: streamKey(c.value.stream ?? c.stream), field: c.value.field }];
}

/** The value of a series at sample i (0-based), with its indicator: DESIGN's definitions. */
function at(values: readonly number[], i: number, ind: Indicator | undefined): number | null {
  if (i < 0 || i >= values.length) return null;
  return (ind ? indicatorAt(values, i, ind) : values[i]) ?? null;
}

function needs(ind: Indicator): number {
  return ind.kind === "rsi" ? ind.samples + 1 : ind.samples;
}

function checkPlain(cond: Condition, c: ExplainCondition, values: readonly number[]): void {
  const n = values.length;
  expect(c.sample).toBe(values[n - 1]);
  if (cond.change) {
    expect(c.change?.value ?? null).toBe(c.compared);
    return;
  }
  expect(c.compared).toBe(at(values, n - 1, cond.indicator));
  expect(c.previous).toBe(at(values, n - 2, cond.indicator));
  if (!cond.indicator) return;
  expect(c.indicator).toEqual({ kind: cond.indicator.kind, value: c.compared });
  const { kind, samples } = cond.indicator;
  if (c.compared === null)
    expect(c.reason).toBe(`no value yet: ${kind} ${samples} needs ${needs(cond.indicator)} samples, have ${n}`);
}

function checkRelative(
  cond: Condition,
  c: ExplainCondition,
  values: (key: string, field: string) => number[],
  previousD: number | null,
): void {
  if (!isOperand(cond.value)) return;
  const o = cond.value;
  const leftValues = values(streamKey(cond.stream), cond.field);
  const rightValues = values(streamKey(o.stream ?? cond.stream), o.field);
  const left = at(leftValues, leftValues.length - 1, cond.indicator);
  const r = at(rightValues, rightValues.length - 1, o.indicator);
  const right = r === null ? null : (o.times ?? 1) * r + (o.plus ?? 0);
  const d = left === null || right === null ? null : left - right;
  expect(c.operand).toEqual({ value: right });
  expect(c.compared).toBe(d);
  expect(c.previous).toBe(previousD);
  if (cond.indicator) expect(c.indicator).toEqual({ kind: cond.indicator.kind, value: left });
  if (d !== null) expect(c.comparison.startsWith(`d = `)).toBe(true);
  if (left === null && cond.indicator && leftValues.length > 0) {
    expect(c.reason).toContain(`needs ${needs(cond.indicator)} samples, have ${leftValues.length}`);
  } else if (left !== null && right === null && o.indicator && rightValues.length > 0) {
    expect(c.reason).toContain(`for the operand: ${o.indicator.kind} ${o.indicator.samples} needs`);
  }
}

/** A truth the rules fix from the row alone: crossings and comparisons without for-timer or hysteresis. */
function checkTruth(cond: Condition, c: ExplainCondition): void {
  const level = isOperand(cond.value) ? 0 : cond.value;
  const crossing = cond.op === "crosses_above" || cond.op === "crosses_below";
  const cur = c.compared;
  const prev = c.previous;
  const crossed =
    crossing &&
    prev !== null &&
    cur !== null &&
    (cond.op === "crosses_above"
      ? prev <= (level as number) && cur > (level as number)
      : prev >= (level as number) && cur < (level as number));
  if (c.reason.startsWith("crossed from")) {
    expect(c.truth).toBe(true);
    expect(crossed).toBe(true);
  }
  if (c.truth && crossing) expect(crossed).toBe(true);
  if ((cond.forMs ?? 0) > 0 || cond.hysteresis !== undefined) return;
  if (crossing) expect(c.truth).toBe(crossed);
  else expect(c.truth).toBe(cur !== null && holds(cond.op, cur, level as number | [number, number]));
}

function holds(op: Condition["op"], d: number, v: number | [number, number]): boolean {
  if (Array.isArray(v)) return op === "between" ? v[0] <= d && d <= v[1] : d < v[0] || d > v[1];
  const table: Record<string, boolean> = { gt: d > v, gte: d >= v, lt: d < v, lte: d <= v, eq: d === v, neq: d !== v };
  return table[op] ?? false;
}

export function evalTree(p: Predicate, truths: boolean[], at = { i: 0 }): boolean {
  if ("all" in p) return p.all.map((q) => evalTree(q, truths, at)).every(Boolean);
  if ("any" in p) return p.any.map((q) => evalTree(q, truths, at)).some(Boolean);
  if ("not" in p) return !evalTree(p.not, truths, at);
  return truths[at.i++] ?? false;
}
