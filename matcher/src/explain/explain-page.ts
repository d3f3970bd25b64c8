import { EXPLAIN_LIMITS, type ExplainRange, type ExplainRow } from "../../../shared/src/contract/explain";
import { decodeExplainCursor, encodeExplainCursor } from "../../../shared/src/contract/explain-cursor";
import type { ExplainResult } from "../../../shared/src/contract/shard-rpc";
import type { AcceptedFact } from "../../../shared/src/facts";
import type { MonitorDefinition } from "../../../shared/src/monitor";
import { referenceEvaluate } from "../engine/reference";
import type { MonitorStep } from "../engine/reference-observer";
import type { Op } from "../engine/types";
import { carriedCondition, explainCondition } from "./condition-row";
import { decisionOf } from "./decision";
import { leavesOf, whyFalse } from "./leaves";

/** A page, or why the cursor cannot continue (not one this API wrote, or its row is gone). */
export type ExplainOutcome = ExplainResult;

/**
 * Explains one monitor over its streams' stored facts: replays them in log order through the
 * reference evaluator (the executable semantics, so the reasons cannot disagree with matching) and
 * turns each evaluation observed in [from, to] into a row. The facts are pulled one at a time and
 * the replay stops at the first row past the page, so a caller can feed the log in chunks. Every
 * page replays from the start of the log: a condition's state depends on all of its history.
 * A disabled monitor is replayed as enabled (as a backtest is); its decisions say `disabled`.
 *
 * @example explainPage(def, facts, { from: Date.parse("2026-11-22T00:00:00Z"), limit: 100 })
 */
export function explainPage(
  def: MonitorDefinition,
  facts: Iterable<AcceptedFact>,
  range: ExplainRange,
): ExplainOutcome {
  const limit = Math.min(range.limit ?? EXPLAIN_LIMITS.defaultRows, EXPLAIN_LIMITS.maxRows);
  const from = range.from ?? Number.NEGATIVE_INFINITY;
  const to = range.to ?? Number.POSITIVE_INFINITY;
  const after = range.cursor === undefined ? undefined : decodeExplainCursor(range.cursor);
  if (range.cursor !== undefined && !after) return { badCursor: "the cursor is not one this API wrote" };
  const leaves = leavesOf(def.predicate);
  const truths = leaves.map(() => false);
  const rows: ExplainRow[] = [];
  let pastCursor = after === undefined;
  let full = false;

  const observe = (step: MonitorStep): void => {
    for (const c of step.conditions) truths[c.index] = c.truth;
    const fact = step.fact;
    if (!pastCursor) {
      pastCursor = fact.eventId === after?.eventId;
      return;
    }
    if (fact.observedAt < from || fact.observedAt > to) return;
    if (rows.length === limit) {
      full = true;
      return;
    }
    const evaluated = new Map(step.conditions.map((c) => [c.index, c]));
    rows.push({
      eventId: fact.eventId,
      observedAt: fact.observedAt,
      streamKey: fact.streamKey,
      stream: { kind: fact.kind, subject: { ...fact.subject } as Record<string, string> },
      conditions: leaves.map((leaf) => {
        const s = evaluated.get(leaf.index);
        return s ? explainCondition(leaf, s, fact.observedAt) : carriedCondition(leaf, truths[leaf.index] ?? false);
      }),
      truth: step.truth,
      decision: decisionOf(def, step, () => whyFalse(def.predicate, truths)),
    });
  };

  function* ops(): Generator<Op> {
    yield { type: "upsert", def: { ...def, enabled: true } };
    for (const fact of facts) {
      if (full) return;
      yield { type: "fact", fact };
    }
  }
  referenceEvaluate(ops(), observe);

  if (!pastCursor) return { badCursor: "the cursor's row is no longer in the stored log" };
  const last = rows.at(-1);
  return {
    page: {
      monitorId: def.monitorId,
      monitorVersion: def.version,
      rows,
      matched: rows.filter((r) => r.decision.outcome === "matched").length,
      nextCursor: full && last ? encodeExplainCursor(last.eventId) : null,
    },
  };
}
