import { referenceEvaluate } from "../../matcher/src/engine/reference";
import type { Match, Op } from "../../matcher/src/engine/types";
import type { AcceptedFact, FactInput } from "../../shared/src/facts";
import type { MonitorDefinition } from "../../shared/src/monitor";
import { factStreamKey } from "../../shared/src/streams";
import { rng } from "./rng";

/**
 * A repeatable market workload for load tests: seeded random-walk prices on many symbols, and a
 * population of crossing monitors around each symbol's starting price, so matches keep firing.
 * The expected matches come from the reference evaluator over exactly what was accepted.
 *
 * @example const w = workload({ symbols: 1000, seed: 7 }); w.nextBatch(100, Date.now())
 */
export { rng };

export type Workload = {
  monitors: { id: string; body: Record<string, unknown> }[];
  /** The next `n` facts: consecutive symbols, one fact each, event time `now` (+ i ms). */
  nextBatch: (n: number, now: number) => FactInput[];
};

export function workload(opts: { symbols: number; seed: number; prefix?: string }): Workload {
  const random = rng(opts.seed);
  const prefix = opts.prefix ?? "LD";
  const start = Array.from({ length: opts.symbols }, (_, i) => 100 + (i % 50));
  const price = [...start];
  const monitors = start.flatMap((level, i) => {
    const stream = { kind: "market_price", subject: { symbol: `${prefix}${i}` } };
    const base = {
      workflowId: `wf-${prefix}${i}`,
      ownerUserId: `u-${i % 97}`,
      linkedPortfolioIds: [`pf-${i % 89}`],
      enabled: true,
    };
    return [
      {
        id: `${prefix}-up-${i}`,
        body: {
          ...base,
          predicate: { all: [{ stream, field: "price", op: "crosses_above", value: level }] },
          fire: { mode: "edge" },
        },
      },
      {
        id: `${prefix}-dn-${i}`,
        body: {
          ...base,
          predicate: { all: [{ stream, field: "price", op: "crosses_below", value: level }] },
          fire: { mode: "edge" },
        },
      },
    ];
  });
  let cursor = 0;
  return {
    monitors,
    nextBatch(n, now) {
      return Array.from({ length: n }, (_, j) => {
        const i = cursor++ % opts.symbols;
        const step = (random() - 0.5) * 2;
        price[i] = Math.max(1, Math.round(((price[i] ?? 100) + step) * 100) / 100);
        return {
          kind: "market_price",
          subject: { symbol: `${prefix}${i}` },
          observedAt: now + j,
          data: { price: price[i] ?? 100 },
        } as FactInput;
      });
    },
  };
}

/** Expected matches: the reference evaluator over the registered monitors and the accepted facts, in push order. */
export function expectedMatches(defs: MonitorDefinition[], accepted: { fact: FactInput; eventId: string }[]): Match[] {
  const ops: Op[] = defs.map((def) => ({ type: "upsert", def }));
  for (const { fact, eventId } of accepted) {
    const f = {
      ...fact,
      observedAt: Number(fact.observedAt),
      eventId,
      producerId: "load",
      receivedAt: 0,
    } as unknown as AcceptedFact;
    ops.push({ type: "fact", fact: { ...f, streamKey: factStreamKey(f) } });
  }
  return referenceEvaluate(ops);
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}
