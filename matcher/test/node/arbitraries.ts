import fc from "fast-check";
import type { AcceptedFact, FactKind } from "../../../shared/src/facts";
import type { MonitorDefinition } from "../../../shared/src/monitor";
import type { Condition, Indicator, Operand, Predicate } from "../../../shared/src/predicate";
import { streamKey } from "../../../shared/src/streams";
import type { Op } from "../../src/engine/types";

/**
 * Random monitors and fact sequences for the matcher's property tests: a few streams, small
 * integer values (so levels are hit, crossed and equalled often), duplicates and late facts.
 */
export const STREAMS = [
  { kind: "market_price", subject: { symbol: "AAA" }, fields: ["price", "bid"] },
  { kind: "market_price", subject: { symbol: "BBB" }, fields: ["price", "bid"] },
  { kind: "account_cash_usd", subject: { accountId: "acc-1" }, fields: ["value"] },
  { kind: "portfolio_nav_usd", subject: { portfolioId: "pf-9" }, fields: ["value"] },
] as const;

const level = fc.integer({ min: -2, max: 8 });

/** Short indicators (warm-up in a few samples, so they cross levels often in short sequences). */
const indicatorArb: fc.Arbitrary<Indicator> = fc.oneof(
  fc.record({ kind: fc.constantFrom("sma", "ema", "rsi"), samples: fc.integer({ min: 2, max: 4 }) }),
  fc.record({
    kind: fc.constantFrom("bollinger_upper", "bollinger_lower"),
    samples: fc.integer({ min: 2, max: 4 }),
    k: fc.constantFrom(0.5, 1, 2),
  }),
);

/** An operand: the same stream's other (or same) field, or another stream's, maybe with an indicator. */
const operandArb = fc.record({
  s: fc.option(fc.integer({ min: 0, max: STREAMS.length - 1 }), { freq: 2 }),
  fieldPick: fc.nat(),
  indicator: fc.option(indicatorArb, { freq: 3 }),
  times: fc.option(fc.constantFrom(2, 0.5, -1, 1), { freq: 2 }),
  plus: fc.option(fc.integer({ min: -2, max: 2 }), { freq: 2 }),
});

/**
 * What a condition compares: the sample itself, its change, an indicator, or an operand. One pick
 * per condition, weighted: drawn as independent options, each present two times in three, plain
 * conditions were 5 % of those generated and plain crossings with hysteresis 0.3 %, and a hand
 * mutation audit found boundary bugs there that thousands of runs never reached.
 */
const shapeArb = fc.constantFrom(
  "plain",
  "plain",
  "plain",
  "change",
  "change",
  "indicator",
  "indicator",
  "operand",
  "operand",
  "operand",
);

const conditionArb: fc.Arbitrary<Condition> = fc
  .record({
    s: fc.integer({ min: 0, max: STREAMS.length - 1 }),
    fieldPick: fc.nat(),
    op: fc.constantFrom(
      "gt",
      "gte",
      "lt",
      "lte",
      "eq",
      "neq",
      "between",
      "outside",
      "crosses_above",
      "crosses_below",
      "crosses_above",
      "crosses_below",
    ),
    a: level,
    width: fc.integer({ min: 0, max: 4 }),
    shape: shapeArb,
    change: fc.record({
      windowMs: fc.integer({ min: 1, max: 6 }).map((n) => n * 500),
      mode: fc.constantFrom("abs", "pct"),
    }),
    // A crossing with forMs > 0 is never true, so forMs is absent two times in three.
    forMs: fc.oneof(
      { arbitrary: fc.constant(null), weight: 2 },
      { arbitrary: fc.integer({ min: 0, max: 6 }).map((n) => n * 500), weight: 1 },
    ),
    hysteresis: fc.option(fc.integer({ min: 0, max: 3 }), { freq: 2 }),
    indicator: indicatorArb,
    /** An operand condition's own side: an indicator half of the time. */
    leftIndicator: fc.option(indicatorArb, { freq: 2 }),
    operand: operandArb,
  })
  .map(({ s, fieldPick, op, a, width, shape, change, forMs, hysteresis, indicator, leftIndicator, operand }) => {
    const stream = STREAMS[s] as (typeof STREAMS)[number];
    const crossing = op === "crosses_above" || op === "crosses_below";
    const ranged = op === "between" || op === "outside";
    const c: Condition = {
      stream: { kind: stream.kind, subject: { ...stream.subject } },
      field: stream.fields[fieldPick % stream.fields.length] as string,
      op,
      value: ranged ? [a, a + width] : a,
    };
    // A range takes no operand: that draw becomes a plain range.
    if (shape === "operand" && !ranged) {
      const other = operand.s === null ? stream : (STREAMS[operand.s] as (typeof STREAMS)[number]);
      const value: Operand = { field: other.fields[operand.fieldPick % other.fields.length] as string };
      if (operand.s !== null) value.stream = { kind: other.kind, subject: { ...other.subject } };
      if (operand.indicator) value.indicator = operand.indicator;
      if (operand.times !== null) value.times = operand.times;
      if (operand.plus !== null) value.plus = operand.plus;
      c.value = value;
      if (leftIndicator) c.indicator = leftIndicator;
    } else if (shape === "indicator") c.indicator = indicator;
    else if (shape === "change") c.change = change as Condition["change"];
    if (forMs !== null) c.forMs = forMs;
    if (crossing && hysteresis !== null) c.hysteresis = hysteresis;
    return c;
  });

export const predicateArb: fc.Arbitrary<Predicate> = fc
  .letrec<{ p: Predicate }>((tie) => ({
    p: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      { arbitrary: conditionArb, weight: 4 },
      { arbitrary: fc.array(tie("p"), { minLength: 1, maxLength: 3 }).map((all) => ({ all })), weight: 1 },
      { arbitrary: fc.array(tie("p"), { minLength: 1, maxLength: 3 }).map((any) => ({ any })), weight: 1 },
      { arbitrary: tie("p").map((not) => ({ not })), weight: 1 },
    ),
  }))
  .p.filter((p) => depth(p) <= 4);

function depth(p: Predicate): number {
  if ("all" in p) return 1 + Math.max(...p.all.map(depth));
  if ("any" in p) return 1 + Math.max(...p.any.map(depth));
  if ("not" in p) return 1 + depth(p.not);
  return 1;
}

/** Event time of the first fact of generated ops. */
export const OPS_START = 1_000_000;

export const MONITOR_IDS = ["m-a", "m-b", "m-c", "m-d", "m-e", "m-f"];

/** A monitor body without identity and version (the op generator assigns those). */
export const monitorBodyArb = fc.record({
  predicate: predicateArb,
  mode: fc.constantFrom("edge", "level"),
  cooldownMs: fc.oneof(
    fc.constant(0),
    fc.integer({ min: 1, max: 8 }).map((n) => n * 500),
  ),
  once: fc.nat(4).map((n) => n === 0),
  enabled: fc.nat(9).map((n) => n !== 0),
  portfolios: fc.constantFrom([], ["pf-1"], ["pf-2", "pf-1"]),
  /** Expiry, in steps of 500 ms after the ops' start time (facts advance 0–1,500 ms each). */
  expiresIn: fc.option(
    fc.integer({ min: 0, max: 80 }).map((n) => n * 500),
    { freq: 4 },
  ),
});

export type MonitorBody = typeof monitorBodyArb extends fc.Arbitrary<infer T> ? T : never;

export function definition(monitorId: string, version: number, b: MonitorBody): MonitorDefinition {
  return {
    monitorId,
    version,
    workflowId: `wf-${monitorId}`,
    ownerUserId: "u-1",
    linkedPortfolioIds: [...b.portfolios],
    predicate: b.predicate,
    fire: { mode: b.mode as "edge" | "level", cooldownMs: b.cooldownMs, once: b.once },
    enabled: b.enabled,
    ...(b.expiresIn === null ? {} : { expiresAt: OPS_START + b.expiresIn }),
  };
}

/** One fact's raw material: which stream, a time step (possibly backwards), and values. */
export const factStepArb = fc.record({
  s: fc.integer({ min: 0, max: STREAMS.length - 1 }),
  dt: fc.oneof(
    { arbitrary: fc.integer({ min: 0, max: 3 }).map((n) => n * 500), weight: 8 },
    { arbitrary: fc.integer({ min: -4, max: -1 }).map((n) => n * 500), weight: 1 },
  ),
  value: fc.integer({ min: 1, max: 7 }),
  signed: fc.integer({ min: -2, max: 6 }),
  bid: fc.option(fc.integer({ min: 1, max: 7 }), { freq: 2 }),
});

export type FactStep = typeof factStepArb extends fc.Arbitrary<infer T> ? T : never;

export function makeFact(step: FactStep, seq: number, at: number): AcceptedFact {
  const stream = STREAMS[step.s] as (typeof STREAMS)[number];
  const base = { observedAt: at, eventId: `ev-${String(seq).padStart(5, "0")}`, producerId: "p", receivedAt: at };
  const key = streamKey({ kind: stream.kind as FactKind, subject: { ...stream.subject } });
  if (stream.kind === "market_price") {
    const data: { price: number; bid?: number } = { price: step.value };
    if (step.bid !== null) data.bid = step.bid;
    return { ...base, kind: "market_price", subject: { symbol: stream.subject.symbol }, data, streamKey: key };
  }
  if (stream.kind === "account_cash_usd") {
    return {
      ...base,
      kind: "account_cash_usd",
      subject: { accountId: stream.subject.accountId },
      data: { value: step.signed },
      streamKey: key,
    };
  }
  return {
    ...base,
    kind: "portfolio_nav_usd",
    subject: { portfolioId: stream.subject.portfolioId },
    data: { value: step.signed },
    streamKey: key,
  };
}

/** A raw op: upsert (new, same or older version), remove, fact, or a repeat of an earlier fact. */
export const rawOpArb = fc.oneof(
  {
    arbitrary: fc.record({
      t: fc.constant("upsert" as const),
      id: fc.constantFrom(...MONITOR_IDS),
      body: monitorBodyArb,
      bump: fc.integer({ min: -1, max: 3 }),
    }),
    weight: 2,
  },
  { arbitrary: fc.record({ t: fc.constant("remove" as const), id: fc.constantFrom(...MONITOR_IDS) }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant("fact" as const), step: factStepArb }), weight: 14 },
  { arbitrary: fc.record({ t: fc.constant("dup" as const), back: fc.nat() }), weight: 1 },
);

export type RawOp = typeof rawOpArb extends fc.Arbitrary<infer T> ? T : never;

/** Turns raw ops into Ops: versions per monitor, event time, eventIds, duplicates. */
export function buildOps(raw: RawOp[], start = OPS_START): Op[] {
  const ops: Op[] = [];
  const versions = new Map<string, number>();
  const facts: AcceptedFact[] = [];
  let at = start;
  for (const r of raw) {
    if (r.t === "upsert") {
      const v = Math.max(1, (versions.get(r.id) ?? 0) + r.bump);
      versions.set(r.id, Math.max(v, versions.get(r.id) ?? 0));
      ops.push({ type: "upsert", def: definition(r.id, v, r.body) });
    } else if (r.t === "remove") {
      ops.push({ type: "remove", monitorId: r.id });
    } else if (r.t === "fact") {
      at = Math.max(start, at + r.step.dt);
      const fact = makeFact(r.step, facts.length, at);
      facts.push(fact);
      ops.push({ type: "fact", fact });
    } else if (facts.length > 0) {
      ops.push({ type: "fact", fact: facts[r.back % facts.length] as AcceptedFact });
    }
  }
  return ops;
}

export const opsArb = (maxLength: number) =>
  fc.array(rawOpArb, { minLength: 1, maxLength, size: "max" }).map((r) => buildOps(r));

/** numRuns for a property: the base count times MATCHER_RUNS_SCALE (e.g. 10 for a long soak). */
export function runs(base: number): number {
  return Math.max(1, Math.round(base * Number(process.env.MATCHER_RUNS_SCALE ?? 1)));
}

/** A plain `price > 3` edge monitor on AAA, and `n` of AAA's facts 500 ms apart cycling 1…7: long logs for explain's tests. */
export function plainMonitorAndLog(n: number): { def: MonitorDefinition; facts: AcceptedFact[] } {
  const def = definition("m-a", 1, {
    predicate: { stream: { kind: "market_price", subject: { symbol: "AAA" } }, field: "price", op: "gt", value: 3 },
    mode: "edge",
    cooldownMs: 0,
    once: false,
    enabled: true,
    portfolios: [],
    expiresIn: null,
  });
  const raw = Array.from({ length: n }, (_, i) => ({
    t: "fact" as const,
    step: { s: 0, dt: 500, value: 1 + (i % 7), signed: 0, bid: null },
  }));
  return { def, facts: buildOps(raw).flatMap((op) => (op.type === "fact" ? [op.fact] : [])) };
}
