import { Engine as RulesEngine } from "json-rules-engine";
import type { Condition } from "../../shared/src/predicate";
import { SECONDS } from "./matcher-timing";
import { FactSource, MonitorSource } from "./matcher-workload";

const OPERATORS: Record<string, string> = {
  gt: "greaterThan",
  gte: "greaterThanInclusive",
  lt: "lessThan",
  lte: "lessThanInclusive",
};

/**
 * bench:matcher's off-the-shelf baseline: json-rules-engine with bench:matcher's first 1,000
 * monitors as rules, making the same comparisons statelessly (a crossing reads the stream's
 * previous price as a second fact). Facts/s per CPU second, for SECONDS or 20,000 facts.
 *
 * @example const factsPerSec = await measureRulesEngine();
 */
export async function measureRulesEngine(): Promise<number> {
  const engine = new RulesEngine([], { allowUndefinedFacts: true });
  const source = new MonitorSource();
  for (let i = 0; i < 1000; i++) {
    const { def } = source.next();
    const c = ("all" in def.predicate ? def.predicate.all[0] : def.predicate) as Condition;
    const symbol = { fact: "symbol", operator: "equal", value: (c.stream.subject as { symbol: string }).symbol };
    const v = c.value;
    let conds: { fact: string; operator: string; value: number | string }[];
    if (typeof v === "object" && !Array.isArray(v)) {
      continue; // the baseline compares with constants only (the workload it runs has no operands)
    } else if (Array.isArray(v)) {
      conds = [
        { fact: "price", operator: "greaterThanInclusive", value: v[0] },
        { fact: "price", operator: "lessThanInclusive", value: v[1] },
      ];
    } else if (c.op === "crosses_above" || c.op === "crosses_below") {
      const up = c.op === "crosses_above";
      conds = [
        { fact: "prev", operator: up ? "lessThanInclusive" : "greaterThanInclusive", value: v },
        { fact: "price", operator: up ? "greaterThan" : "lessThan", value: v },
      ];
    } else conds = [{ fact: "price", operator: OPERATORS[c.op] ?? "equal", value: v }];
    engine.addRule({
      conditions: { all: [symbol, ...conds] },
      event: { type: "match", params: { id: def.monitorId } },
    });
  }
  const facts = new FactSource();
  const prev = new Map<string, number>();
  let n = 0;
  const t = performance.now();
  const c = process.cpuUsage();
  while (performance.now() - t < SECONDS * 1000 && n < 20_000) {
    const f = facts.next();
    const price = (f.data as { price: number }).price;
    await engine.run({ symbol: (f.subject as { symbol: string }).symbol, price, prev: prev.get(f.streamKey) ?? price });
    prev.set(f.streamKey, price);
    n++;
  }
  const d = process.cpuUsage(c);
  return (n / ((d.user + d.system) / 1000)) * 1000;
}
