import type { ExplainPage } from "../../../shared/src/contract/explain";
import type { AcceptedFact } from "../../../shared/src/facts";
import type { MonitorDefinition } from "../../../shared/src/monitor";
import type { Predicate } from "../../../shared/src/predicate";
import { referenceEvaluate } from "../../src/engine/reference";
import type { Op } from "../../src/engine/types";
import type { explainPage } from "../../src/explain/explain-page";

/**
 * Explain scenarios as a user states them: market prices a minute apart from T0, one monitor, its
 * explain page, and what live matching did with the same facts (the reference evaluator).
 *
 * @example const facts = [px(0, 99), px(1, 101)]; pageOf(explainPage(monitor(p), facts, {}))
 */
export const T0 = Date.parse("2026-11-22T10:00:00Z");
export const MIN = 60_000;

let n = 0;
/** A fact of market_price:<symbol> at T0 + minute (price 1 unless `data` says otherwise). */
export function fact(symbol: string, minute: number, data: Record<string, number>): AcceptedFact {
  const at = T0 + minute * MIN;
  return {
    kind: "market_price",
    subject: { symbol },
    data: { price: 1, ...data },
    observedAt: at,
    eventId: `ev-${String(++n).padStart(6, "0")}`,
    producerId: "p",
    receivedAt: at,
    streamKey: `market_price:${symbol}`,
  } as AcceptedFact;
}

export const px = (minute: number, price: number, symbol = "BTC-USD") => fact(symbol, minute, { price });

export function monitor(predicate: Predicate, fire: Partial<MonitorDefinition["fire"]> = {}): MonitorDefinition {
  return {
    monitorId: "m",
    version: 1,
    workflowId: "wf",
    ownerUserId: "u",
    linkedPortfolioIds: [],
    predicate,
    fire: { mode: "edge", cooldownMs: 0, once: false, ...fire },
    enabled: true,
  };
}

export const pageOf = (out: ReturnType<typeof explainPage>): ExplainPage => {
  if (!("page" in out)) throw new Error(out.badCursor);
  return out.page;
};

/** What live matching did (matched eventIds): the monitor registered after the first `before` facts. */
export function live(def: MonitorDefinition, facts: AcceptedFact[], before = 0): string[] {
  const ops: Op[] = [
    ...facts.slice(0, before).map((f) => ({ type: "fact" as const, fact: f })),
    { type: "upsert", def },
    ...facts.slice(before).map((f) => ({ type: "fact" as const, fact: f })),
  ];
  return referenceEvaluate(ops).map((m) => m.eventId);
}
