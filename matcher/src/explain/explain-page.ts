import { EXPLAIN_LIMITS, type ExplainRange, type ExplainRow } from "../../../shared/src/contract/explain";
import { decodeExplainCursor, encodeExplainCursor } from "../../../shared/src/contract/explain-cursor";
import type { ExplainResult } from "../../../shared/src/contract/shard-rpc";
import type { AcceptedFact } from "../../../shared/src/facts";
import type { MonitorDefinition } from "../../../shared/src/monitor";
import { ReferenceEvaluator } from "../engine/reference";
import type { MonitorStep } from "../engine/reference-observer";
import { carriedCondition, explainCondition } from "./condition-row";
import { decisionOf, expiredDecision } from "./decision";
import { ExplainNotes } from "./explain-notes";
import { type ForRun, ForRuns } from "./for-runs";
import { leavesOf, whyFalse } from "./leaves";
import { seriesRetention } from "./series-retention";
import { rfc3339 } from "./wording";

/** A page, or why the cursor cannot continue (not one this API wrote, or its row is gone). */
export type ExplainOutcome = ExplainResult;

/**
 * Where a full page's replay stopped, to continue from without replaying the log again: the
 * evaluator's state after the first fact past the page (the replay had to evaluate it to know
 * the page was full), that fact's row, and the conditions' truths then. Valid for the same
 * definition and log as long as the log only grows after that fact (it is append-only; pruning
 * its start invalidates it). It is consumed by the page that continues from it.
 */
export type ExplainReplay = {
  evaluator: ReferenceEvaluator;
  truths: boolean[];
  pending: ExplainRow;
  notes: ExplainNotes;
  runs: ForRuns;
  registration: RegistrationGate;
};

/**
 * When the explained version entered live matching, as a place in the replayed log: `factsBefore`
 * stored facts of its streams (copied history included) were logged on the home shard when it
 * registered the version. A saved monitor is replayed like live: those facts only build its
 * streams' history (series, a crossing's previous value, a change's base), and the version is
 * evaluated from the next fact on, its edge memory starting false there. Without it (a draft, or a
 * version registered before shards recorded this), the version is replayed as if registered before
 * the first stored fact, like a backtest.
 */
export type Registration = { factsBefore: number };

/** A run's progress through its registration: facts still to feed before it, and facts fed before it. */
type RegistrationGate = { waiting: number; before: number };

/** How the log is fed: `unique` when it holds each eventId once (the shard's log does). */
export type ExplainOptions = { resume?: ExplainReplay; unique?: boolean; registration?: Registration };

/**
 * Explains one monitor over its streams' stored facts: replays them in log order through the
 * reference evaluator (the executable semantics, so the reasons cannot disagree with matching) and
 * turns each evaluation observed in [from, to] into a row. The facts are pulled one at a time and
 * the replay stops at the first row past the page, so a caller can feed the log in chunks. A page
 * replays from the start of the log (a condition's state depends on all of its history) unless it
 * resumes a replay the previous page left (explainPageFrom). A disabled monitor is replayed as
 * enabled (as a backtest is); its decisions say `disabled`. A fact at or after expiresAt that
 * would have evaluated the monitor is a row with nothing evaluated and the decision `expired`.
 *
 * @example explainPage(def, facts, { from: Date.parse("2026-11-22T00:00:00Z"), limit: 100 })
 */
export function explainPage(
  def: MonitorDefinition,
  facts: Iterable<AcceptedFact>,
  range: ExplainRange,
  options: ExplainOptions = {},
): ExplainOutcome {
  return explainPageFrom(def, facts, range, options).outcome;
}

/**
 * explainPage, also returning the replay to continue from when the page is full. With
 * `options.resume`, `facts` must be the log after the resumed replay's last fact.
 */
export function explainPageFrom(
  def: MonitorDefinition,
  facts: Iterable<AcceptedFact>,
  range: ExplainRange,
  options: ExplainOptions = {},
): ExplainRunResult {
  const run = startExplain(def, range, options);
  if ("badCursor" in run) return { outcome: run };
  for (const fact of facts) if (run.feed(fact)) break;
  return run.finish();
}

/** What an explain run ends with: the outcome, and the replay to continue from when the page is full. */
export type ExplainRunResult = { outcome: ExplainOutcome; replay?: ExplainReplay };

/**
 * An explain page fed one fact at a time, for a caller whose facts arrive asynchronously (chunks
 * pulled from other shards, explain-merged.ts): `feed` returns true once the page is full (stop
 * feeding), `finish` makes the page. explainPageFrom is this run over an iterable.
 */
export type ExplainRun = { feed(fact: AcceptedFact): boolean; finish(): ExplainRunResult };

/** Starts an explain run (see ExplainRun), or says why the cursor cannot continue. */
export function startExplain(
  def: MonitorDefinition,
  range: ExplainRange,
  options: ExplainOptions = {},
): ExplainRun | { badCursor: string } {
  const limit = Math.min(range.limit ?? EXPLAIN_LIMITS.defaultRows, EXPLAIN_LIMITS.maxRows);
  const from = range.from ?? Number.NEGATIVE_INFINITY;
  const to = range.to ?? Number.POSITIVE_INFINITY;
  const inRange = (at: number) => at >= from && at <= to;
  const after = range.cursor === undefined ? undefined : decodeExplainCursor(range.cursor);
  if (range.cursor !== undefined && !after) return { badCursor: "the cursor is not one this API wrote" };
  const leaves = leavesOf(def.predicate);
  const resume = options.resume;
  const truths = resume?.truths ?? leaves.map(() => false);
  const rows: ExplainRow[] = resume && inRange(resume.pending.observedAt) ? [resume.pending] : [];
  let pastCursor = after === undefined || resume !== undefined;
  let pending: ExplainRow | undefined;

  const rowOf = (step: MonitorStep, ended: Map<number, ForRun>): ExplainRow => {
    const fact = step.fact;
    const expired = `not evaluated: the monitor expired at ${rfc3339(def.expiresAt ?? 0)}`;
    const evaluated = new Map(step.conditions.map((c) => [c.index, c]));
    return {
      eventId: fact.eventId,
      observedAt: fact.observedAt,
      streamKey: fact.streamKey,
      stream: { kind: fact.kind, subject: { ...fact.subject } as Record<string, string> },
      conditions: leaves.map((leaf) => {
        const s = evaluated.get(leaf.index);
        if (s) return explainCondition(leaf, s, fact.observedAt, ended.get(leaf.index));
        return carriedCondition(leaf, truths[leaf.index] ?? false, step.expired ? expired : undefined);
      }),
      truth: step.truth,
      decision: step.expired ? expiredDecision(def) : decisionOf(def, step, () => whyFalse(def.predicate, truths)),
    };
  };
  const notes = resume?.notes ?? new ExplainNotes(leaves);
  const runs = resume?.runs ?? new ForRuns(leaves);
  const gate: RegistrationGate = resume?.registration ?? {
    waiting: options.registration?.factsBefore ?? 0,
    before: 0,
  };
  const observe = (step: MonitorStep): void => {
    for (const c of step.conditions) truths[c.index] = c.truth;
    notes.observe(step, pastCursor && inRange(step.fact.observedAt));
    const ended = runs.observe(step);
    if (!pastCursor) {
      pastCursor = step.fact.eventId === after?.eventId;
      return;
    }
    if (!inRange(step.fact.observedAt)) return;
    if (rows.length < limit) rows.push(rowOf(step, ended));
    else pending = rowOf(step, ended);
  };

  const evaluator =
    resume?.evaluator ?? new ReferenceEvaluator({ dedupe: options.unique !== true, retain: seriesRetention(def) });
  const register = () => evaluator.apply({ type: "upsert", def: { ...def, enabled: true } });
  if (!resume && gate.waiting === 0) register();
  const feed = (fact: AcceptedFact): boolean => {
    notes.see(fact);
    if (gate.waiting > 0) {
      // Before the version was registered: the fact builds history, and nothing evaluates it.
      evaluator.apply({ type: "fact", fact });
      gate.before++;
      if (--gate.waiting === 0) register();
      return false;
    }
    evaluator.apply({ type: "fact", fact }, observe);
    return pending !== undefined;
  };
  const finish = (): ExplainRunResult => {
    if (!pastCursor) return { outcome: { badCursor: "the cursor's row is no longer in the stored log" } };
    const last = rows.at(-1);
    const page = {
      monitorId: def.monitorId,
      monitorVersion: def.version,
      rows,
      matched: rows.filter((r) => r.decision.outcome === "matched").length,
      nextCursor: pending && last ? encodeExplainCursor(last.eventId) : null,
    };
    const said = [...registrationNotes(def, options.registration, gate), ...notes.write(pending === undefined)];
    const withNotes = said.length > 0 ? { ...page, notes: said } : page;
    const replay = pending ? { replay: { evaluator, truths, pending, notes, runs, registration: gate } } : {};
    return { outcome: { page: withNotes }, ...replay };
  };
  return { feed, finish };
}

/** What the replay's start says: from the version's registration (how many facts before it), or not. */
function registrationNotes(
  def: MonitorDefinition,
  registration: Registration | undefined,
  gate: RegistrationGate,
): string[] {
  if (registration === undefined) return [];
  const version = `version ${def.version}`;
  if (gate.before === 0) return [];
  return [
    `${version} was registered after ${gate.before} stored fact(s) of its streams: they only build its streams' history (series, previous values, change bases); live matching did not evaluate ${version} at them, so neither does explain (an earlier version's matches: GET /v1/monitors/${def.monitorId}/matches).`,
  ];
}
