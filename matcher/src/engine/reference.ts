import type { AcceptedFact } from "../../../shared/src/facts";
import { matchIdOf } from "../../../shared/src/ids";
import type { MonitorDefinition } from "../../../shared/src/monitor";
import type { Condition, Predicate } from "../../../shared/src/predicate";
import { streamKey } from "../../../shared/src/streams";
import { byCodeUnits } from "./code-unit-order";
import { factFields } from "./fact-fields";
import type { ConditionStep, MonitorStep, ReferenceObserver } from "./reference-observer";
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
 * - gt gte lt lte eq neq compare d with `value`; between [lo, hi] is lo ≤ d ≤ hi; outside is
 *   d < lo or d > hi. crosses_above L: the previous sample's d ≤ L and the current d > L;
 *   crosses_below L: previous ≥ L and current < L; the previous d is the one at the series'
 *   previous sample (even before registration); missing → false.
 * - hysteresis h (crossings only; absent = never disarms): once the condition is true it is
 *   disarmed, and a disarmed crossing is false until a sample with d ≤ L − h (crosses_below:
 *   d ≥ L + h) re-arms it. Armed initially.
 * - forMs (default 0): true when the raw comparison has held at every evaluation since an
 *   evaluation at time t0 with now − t0 ≥ forMs; false as soon as it does not hold. (A crossing
 *   never holds at two consecutive evaluations, so a crossing with forMs > 0 is never true.)
 *
 * Monitors
 * - The predicate (all / any / not over the conditions' current truths) is evaluated at every
 *   applied fact that evaluates at least one of its conditions.
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
  const seen = new Set<string>();
  const streams = new Map<string, RefStream>();
  const monitors = new Map<string, RefMonitor>();
  const matches: Match[] = [];
  let ids: string[] | undefined; // monitorIds in ascending order, recomputed after a change
  for (const op of ops) {
    if (op.type === "upsert") {
      const old = monitors.get(op.def.monitorId);
      if (!old || op.def.version > old.def.version) monitors.set(op.def.monitorId, newMonitor(op.def));
      ids = undefined;
    } else if (op.type === "remove") {
      monitors.delete(op.monitorId);
      ids = undefined;
    } else {
      const fact = op.fact;
      if (seen.has(fact.eventId)) continue;
      seen.add(fact.eventId);
      const fields = applyToStream(streams, fact);
      if (!fields) continue;
      ids ??= [...monitors.keys()].sort(byCodeUnits);
      for (const id of ids) {
        const monitor = monitors.get(id);
        const match = monitor && evaluateMonitor(monitor, fact, fields, observe);
        if (match) matches.push(match);
      }
    }
  }
  return matches;
}

type RefSample = { observedAt: number; value: number };
type RefStream = { latest: number; series: Map<string, RefSample[]> };
type RefCondition = {
  cond: Condition;
  key: string;
  truth: boolean;
  heldSince: number | null;
  armed: boolean;
};
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
    else conditions.push({ cond: p, key: streamKey(p.stream), truth: false, heldSince: null, armed: true });
  };
  collect(def.predicate);
  return { def, conditions, lastTruth: false, lastMatchAt: null, done: false };
}

/** Records an applied fact on its stream: the series it sampled, or undefined when it is stale. */
function applyToStream(streams: Map<string, RefStream>, fact: AcceptedFact): Map<string, RefSample[]> | undefined {
  let stream = streams.get(fact.streamKey);
  if (!stream) {
    stream = { latest: fact.observedAt, series: new Map() };
    streams.set(fact.streamKey, stream);
  }
  if (fact.observedAt < stream.latest) return undefined;
  stream.latest = fact.observedAt;
  const sampled = new Map<string, RefSample[]>();
  for (const [field, value] of factFields(fact)) {
    const series = stream.series.get(field) ?? [];
    series.push({ observedAt: fact.observedAt, value });
    stream.series.set(field, series);
    sampled.set(field, series);
  }
  return sampled;
}

function evaluateMonitor(
  monitor: RefMonitor,
  fact: AcceptedFact,
  sampled: Map<string, RefSample[]>,
  observe: ReferenceObserver | undefined,
): Match | undefined {
  const steps: ConditionStep[] = [];
  for (const [index, c] of monitor.conditions.entries()) {
    const series = c.key === fact.streamKey ? sampled.get(c.cond.field) : undefined;
    if (!series) continue;
    const last = series.length - 1;
    const prev = derivedAt(series, last - 1, c.cond);
    const cur = derivedAt(series, last, c.cond);
    const armedBefore = c.armed;
    stepCondition(c, prev, cur, fact.observedAt);
    steps.push({
      index,
      previous: prev,
      current: cur,
      sample: series[last]?.value,
      base: c.cond.change ? baseAt(series, last, c.cond.change.windowMs) : undefined,
      armedBefore,
      armedAfter: c.armed,
      heldSince: c.heldSince,
      truth: c.truth,
    });
  }
  const def = monitor.def;
  if (steps.length === 0) return undefined;
  const now = fact.observedAt;
  const truth = evalPredicate(def.predicate, monitor.conditions, { i: 0 });
  const cooldown = def.fire.cooldownMs;
  const cooled = cooldown === 0 || monitor.lastMatchAt === null || now - monitor.lastMatchAt >= cooldown;
  const step: MonitorStep = {
    monitorId: def.monitorId,
    fact,
    conditions: steps,
    truth,
    wasTrue: monitor.lastTruth,
    enabled: def.enabled,
    done: monitor.done,
    lastMatchAt: monitor.lastMatchAt,
    cooled,
    match: undefined,
  };
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

/** The compared value of a condition at sample i of its series (undefined: no value). */
function derivedAt(series: RefSample[], i: number, cond: Condition): number | undefined {
  const sample = series[i];
  if (!sample) return undefined;
  if (!cond.change) return sample.value;
  const base = baseAt(series, i, cond.change.windowMs);
  if (!base) return undefined;
  if (cond.change.mode === "abs") return sample.value - base.value;
  return base.value === 0 ? undefined : (100 * (sample.value - base.value)) / base.value;
}

/** A change's base for sample i: the newest sample with observedAt ≤ sample i's − windowMs. */
function baseAt(series: RefSample[], i: number, windowMs: number): RefSample | undefined {
  const sample = series[i];
  if (!sample) return undefined;
  for (let j = i; j >= 0; j--) {
    const s = series[j];
    if (s && s.observedAt <= sample.observedAt - windowMs) return s;
  }
  return undefined;
}

function stepCondition(c: RefCondition, prev: number | undefined, cur: number | undefined, now: number): void {
  const { op, value } = c.cond;
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
  c.truth = now - c.heldSince >= (c.cond.forMs ?? 0);
  if (c.truth && c.cond.hysteresis !== undefined) c.armed = false;
}

function compare(op: Condition["op"], d: number, value: Condition["value"]): boolean {
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

/** Evaluates the tree over the conditions' truths; `at.i` walks the leaves left to right. */
function evalPredicate(p: Predicate, conditions: RefCondition[], at: { i: number }): boolean {
  if ("all" in p) return p.all.map((q) => evalPredicate(q, conditions, at)).every(Boolean);
  if ("any" in p) return p.any.map((q) => evalPredicate(q, conditions, at)).some(Boolean);
  if ("not" in p) return !evalPredicate(p.not, conditions, at);
  return conditions[at.i++]?.truth ?? false;
}
