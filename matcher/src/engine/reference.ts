import type { AcceptedFact } from "../../../shared/src/facts";
import { matchIdOf } from "../../../shared/src/ids";
import type { MonitorDefinition } from "../../../shared/src/monitor";
import type { Predicate } from "../../../shared/src/predicate";
import { byCodeUnits } from "./code-unit-order";
import { factFields } from "./fact-fields";
import {
  evaluateCondition,
  newCondition,
  type RefCondition,
  type RefStream,
  samplesCondition,
} from "./reference-conditions";
import type { ConditionStep, MonitorStep, ReferenceObserver } from "./reference-observer";
import { type SeriesBound, trimSeries } from "./reference-retention";
import { type Match, type Op, triggerEventOf } from "./types";

/**
 * The reference evaluator: the executable specification of matching (DESIGN §3, §8). It is plain
 * and slow on purpose (every monitor is looked at for every fact); the indexed engine, the shard
 * core and the router must produce exactly the same matches.
 *
 * Facts
 * - A fact whose eventId was already seen is ignored entirely (a duplicate).
 * - A fact with observedAt < its stream's latest applied observedAt is stale: it changes nothing.
 *   Equal observedAt is applied. "now" is always the applied fact's observedAt (event time).
 *
 * Series
 * - A (stream, field) series is the values of that field on the stream's applied facts, in applied
 *   order; a fact without the field is not a sample of it. Series are shared by all monitors and
 *   independent of when a monitor was registered (earlier history counts).
 *
 * Conditions (each leaf of a predicate is its own condition, with its own state)
 * - Evaluated at each applied fact of its stream that carries its field; in between, its truth
 *   stays as it was (initially false).
 * - The compared value d is the sample's value, or with `change {windowMs, mode}` the current
 *   value minus the base: the newest sample with observedAt ≤ now − windowMs (pct: 100 × diff ÷
 *   base; base 0 → no value). No base → no value. With no value the raw comparison is false.
 * - With `indicator` d is the indicator's value at the sample: sma, ema, rsi, bollinger_upper/
 *   _lower over the series' values from its first sample, no value during warm-up. The exact
 *   values (to the bit) are those of IndicatorState (indicator-state.ts, whose header is their
 *   definition): DESIGN §8's formulas with running window sums that are re-summed exactly, oldest
 *   value first, at every N-th sample (so their rounding drift never outlives N samples). The
 *   reference feeds it the values from the first (reference-indicators.ts); the engine keeps one.
 * - gt gte lt lte eq neq compare d with `value`; between [lo, hi] is lo ≤ d ≤ hi; outside is
 *   d < lo or d > hi. crosses_above L: the previous sample's d ≤ L and the current d > L;
 *   crosses_below L: previous ≥ L and current < L; the previous d is the one at the series'
 *   previous sample (even before registration); missing → false.
 * - hysteresis h (crossings only; absent = never disarms): once the condition is true it is
 *   disarmed, and a disarmed crossing is false until a sample with d ≤ L − h (crosses_below:
 *   d ≥ L + h) re-arms it. Armed initially.
 * - forMs (default 0): true when the raw comparison has held at every evaluation since an
 *   evaluation at time t0 with now − t0 ≥ forMs; false as soon as it does not hold. With forMs 0
 *   it is the raw comparison itself (now − t0 may be negative for a relative condition, whose
 *   evaluations follow two streams). (A crossing
 *   never holds at two consecutive evaluations, so a crossing with forMs > 0 is never true.)
 *
 * Relative conditions (`value` is an operand {stream?, field, indicator?, times?, plus?})
 * - Left: the condition's own (stream, field, indicator) at its series' latest sample; right:
 *   times × (operand's series at its latest sample, with its indicator) + plus (stream defaults to
 *   the condition's own, times to 1, plus to 0). d = left − right; no value on a side → no d.
 * - Evaluated at every applied fact that samples either side's series (once when it samples both).
 * - gt gte lt lte eq neq compare d with 0; crosses_above: the previous d ≤ 0 and d > 0;
 *   crosses_below: previous ≥ 0 and d < 0. The previous d is this condition's d at its previous
 *   evaluation since the monitor version was registered (none at the first → false).
 * - hysteresis and forMs as above with level 0 (re-arm once d ≤ −h, crosses_below d ≥ h).
 *
 * Monitors
 * - The predicate (all / any / not over the conditions' current truths) is evaluated at every
 *   applied fact that evaluates at least one of its conditions.
 * - expiresAt: a fact with observedAt ≥ expiresAt evaluates nothing of the monitor (no condition
 *   state, no predicate, no match); its conditions keep the state they had, which a fact of
 *   another stream observed earlier still reads.
 * - fire.mode edge: matches when true now and false at its previous evaluation (the first
 *   evaluation counts as false). level: matches whenever true now. With cooldownMs > 0 both also
 *   need now − lastMatchAt ≥ cooldownMs when there was a previous match (a fact of another stream
 *   that is older than the last match is inside the cooldown); cooldownMs 0 never holds a match
 *   back, even when the monitor's streams interleave out of event-time order. once: no match
 *   after the first one.
 * - enabled: false → never matches. An upsert with a version ≤ the registered version is ignored;
 *   a newer version replaces the monitor and resets its own state (condition truths, for timers,
 *   hysteresis, edge memory, cooldown, once), never the stream state. remove deletes it.
 * - Match = { matchId: matchIdOf(monitorId, version, eventId), …, portfolioId:
 *   linkedPortfolioIds[0] ?? null, triggerEvent }, in fact order, and within one fact in ascending
 *   monitorId order (code-unit order).
 *
 * @example referenceEvaluate([{ type: "upsert", def }, { type: "fact", fact }]) // → Match[]
 */
export function referenceEvaluate(ops: Iterable<Op>, observe?: ReferenceObserver): Match[] {
  const evaluator = new ReferenceEvaluator();
  const matches: Match[] = [];
  for (const op of ops) matches.push(...evaluator.apply(op, observe));
  return matches;
}

/**
 * How a caller that replays one known monitor over a known log may make the reference lighter
 * without changing a single result (explain does; see explain/series-retention.ts):
 * - `dedupe: false` when the log has each eventId once already (the shard's log does: its
 *   event_id column is UNIQUE), so the set of every eventId seen is not kept;
 * - `retain` bounds each series to what the registered monitors can still read: at least
 *   `samples` samples and, with `windowMs`, every sample a change's base for the previous sample
 *   may be. Only sound when no monitor that reads more is registered later.
 */
export type ReferenceOptions = { dedupe?: boolean; retain?: (streamKey: string, field: string) => SeriesBound };

/** The reference evaluator's state, fed one op at a time (referenceEvaluate is a loop over it). */
export class ReferenceEvaluator {
  private readonly seen = new Set<string>();
  private readonly streams = new Map<string, RefStream>();
  private readonly monitors = new Map<string, RefMonitor>();
  private ids: string[] | undefined; // monitorIds in ascending order, recomputed after a change

  constructor(private readonly options: ReferenceOptions = {}) {}

  /** Applies one op; the matches it produced, in order. */
  apply(op: Op, observe?: ReferenceObserver): Match[] {
    if (op.type === "upsert") {
      const old = this.monitors.get(op.def.monitorId);
      if (!old || op.def.version > old.def.version) this.monitors.set(op.def.monitorId, newMonitor(op.def));
      this.ids = undefined;
      return [];
    }
    if (op.type === "remove") {
      this.monitors.delete(op.monitorId);
      this.ids = undefined;
      return [];
    }
    const fact = op.fact;
    if (this.options.dedupe !== false) {
      if (this.seen.has(fact.eventId)) return [];
      this.seen.add(fact.eventId);
    }
    const fields = applyToStream(this.streams, fact, this.options.retain);
    if (!fields) return [];
    this.ids ??= [...this.monitors.keys()].sort(byCodeUnits);
    const matches: Match[] = [];
    for (const id of this.ids) {
      const monitor = this.monitors.get(id);
      const match = monitor && evaluateMonitor(monitor, fact, fields, this.streams, observe);
      if (match) matches.push(match);
    }
    return matches;
  }

  /** A rough size of the state in bytes (samples and eventIds dominate), for caches that hold it. */
  approxBytes(): number {
    let samples = 0;
    for (const stream of this.streams.values()) for (const series of stream.series.values()) samples += series.length;
    let ids = 0;
    for (const id of this.seen) ids += 40 + 2 * id.length;
    return 1024 + 64 * samples + ids + 512 * this.monitors.size;
  }
}

type RefMonitor = {
  def: MonitorDefinition;
  conditions: RefCondition[];
  lastTruth: boolean;
  lastMatchAt: number | null;
  done: boolean;
};

function newMonitor(def: MonitorDefinition): RefMonitor {
  const conditions: RefCondition[] = [];
  const collect = (p: Predicate): void => {
    if ("all" in p) p.all.forEach(collect);
    else if ("any" in p) p.any.forEach(collect);
    else if ("not" in p) collect(p.not);
    else conditions.push(newCondition(p));
  };
  collect(def.predicate);
  return { def, conditions, lastTruth: false, lastMatchAt: null, done: false };
}

/** Records an applied fact on its stream: the fields it sampled, or undefined when it is stale. */
function applyToStream(
  streams: Map<string, RefStream>,
  fact: AcceptedFact,
  retain: ReferenceOptions["retain"],
): Set<string> | undefined {
  let stream = streams.get(fact.streamKey);
  if (!stream) {
    stream = { latest: fact.observedAt, series: new Map() };
    streams.set(fact.streamKey, stream);
  }
  if (fact.observedAt < stream.latest) return undefined;
  stream.latest = fact.observedAt;
  const sampled = new Set<string>();
  for (const [field, value] of factFields(fact)) {
    const series = stream.series.get(field) ?? [];
    series.push({ observedAt: fact.observedAt, value });
    stream.series.set(field, series);
    if (retain) trimSeries(series, retain(fact.streamKey, field));
    sampled.add(field);
  }
  return sampled;
}

function evaluateMonitor(
  monitor: RefMonitor,
  fact: AcceptedFact,
  sampled: Set<string>,
  streams: ReadonlyMap<string, RefStream>,
  observe: ReferenceObserver | undefined,
): Match | undefined {
  const def = monitor.def;
  const now = fact.observedAt;
  if (def.expiresAt !== undefined && now >= def.expiresAt) {
    // Evaluates nothing; an observer still hears of a fact that would have been an evaluation.
    if (observe && monitor.conditions.some((c) => samplesCondition(c, fact.streamKey, sampled))) {
      observe({ ...stepBase(monitor, fact, true), expired: true });
    }
    return undefined;
  }
  const steps: ConditionStep[] = [];
  for (const [index, c] of monitor.conditions.entries()) {
    const step = evaluateCondition(c, index, fact.streamKey, sampled, streams, now);
    if (step) steps.push(step);
  }
  if (steps.length === 0) return undefined;
  const truth = evalPredicate(def.predicate, monitor.conditions, { i: 0 });
  const cooldown = def.fire.cooldownMs;
  const cooled = cooldown === 0 || monitor.lastMatchAt === null || now - monitor.lastMatchAt >= cooldown;
  const step: MonitorStep = { ...stepBase(monitor, fact, cooled), conditions: steps, truth };
  if (!def.enabled || monitor.done) {
    observe?.(step);
    return undefined;
  }
  const fires = truth && (def.fire.mode === "level" || !monitor.lastTruth) && cooled;
  monitor.lastTruth = truth;
  if (!fires) {
    observe?.(step);
    return undefined;
  }
  monitor.lastMatchAt = now;
  if (def.fire.once) monitor.done = true;
  step.match = {
    matchId: matchIdOf(def.monitorId, def.version, fact.eventId),
    monitorId: def.monitorId,
    monitorVersion: def.version,
    eventId: fact.eventId,
    observedAt: now,
    streamKey: fact.streamKey,
    workflowId: def.workflowId,
    ownerUserId: def.ownerUserId,
    portfolioId: def.linkedPortfolioIds[0] ?? null,
    triggerEvent: triggerEventOf(fact),
  };
  observe?.(step);
  return step.match;
}

/** The parts of a MonitorStep that come from the monitor's state before this fact. */
function stepBase(monitor: RefMonitor, fact: AcceptedFact, cooled: boolean): MonitorStep {
  return {
    monitorId: monitor.def.monitorId,
    fact,
    conditions: [],
    truth: false,
    expired: false,
    wasTrue: monitor.lastTruth,
    enabled: monitor.def.enabled,
    done: monitor.done,
    lastMatchAt: monitor.lastMatchAt,
    cooled,
    match: undefined,
  };
}

/** Evaluates the tree over the conditions' truths; `at.i` walks the leaves left to right. */
function evalPredicate(p: Predicate, conditions: RefCondition[], at: { i: number }): boolean {
  if ("all" in p) return p.all.map((q) => evalPredicate(q, conditions, at)).every(Boolean);
  if ("any" in p) return p.any.map((q) => evalPredicate(q, conditions, at)).some(Boolean);
  if ("not" in p) return !evalPredicate(p.not, conditions, at);
  return conditions[at.i++]?.truth ?? false;
}
