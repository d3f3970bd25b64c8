import { expect } from "vitest";
import type { AcceptedFact } from "../../../shared/src/facts";
import type { MonitorDefinition } from "../../../shared/src/monitor";
import type { Condition, FirePolicy, Predicate } from "../../../shared/src/predicate";
import { referenceEvaluate } from "../../src/engine/reference";
import type { Op } from "../../src/engine/types";
import { runIndexed } from "./harness";

/** Ops for the example tests: BTC prices, conditions on them, one monitor, and the matches. */
const BTC = { kind: "market_price", subject: { symbol: "BTC" } } as const;
let seq = 0;

export function price(value: number, at: number, eventId = `e${++seq}`): Op {
  const fact: AcceptedFact = {
    kind: "market_price",
    subject: { symbol: "BTC" },
    data: { price: value },
    observedAt: at,
    eventId,
    producerId: "p",
    receivedAt: at,
    streamKey: "market_price:BTC",
  };
  return { type: "fact", fact };
}

/** Prices one second apart starting at t = 1000 s (so windows and cooldowns read easily). */
export function prices(...values: number[]): Op[] {
  return values.map((v, i) => price(v, 1_000_000 + 1000 * i, `p${i}`));
}

export function cond(op: Condition["op"], value: Condition["value"], extra: Partial<Condition> = {}): Condition {
  return { stream: { ...BTC, subject: { ...BTC.subject } }, field: "price", op, value, ...extra };
}

export function monitor(
  predicate: Predicate,
  fire: Partial<FirePolicy> = {},
  extra: Partial<MonitorDefinition> = {},
): Op {
  const def: MonitorDefinition = {
    monitorId: "m1",
    version: 1,
    workflowId: "wf-1",
    ownerUserId: "u-1",
    linkedPortfolioIds: ["pf-1"],
    predicate,
    fire: { mode: "edge", cooldownMs: 0, once: false, ...fire },
    enabled: true,
    ...extra,
  };
  return { type: "upsert", def };
}

/** The eventIds that matched, checked identically on the reference and the indexed engine. */
export function matched(ops: Op[]): string[] {
  const expected = referenceEvaluate(ops);
  expect(runIndexed(ops)).toEqual(expected);
  return expected.map((m) => m.eventId);
}
