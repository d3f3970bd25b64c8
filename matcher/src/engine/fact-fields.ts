import { readField } from "../../../shared/src/fact-values";
import type { Fact } from "../../../shared/src/facts";

/**
 * Every numeric field a fact exposes to predicates, with its value (the same values `readField`
 * returns). Used where a stream's series must be recorded whether or not a condition reads them yet.
 *
 * @example factFields(priceFact) // [["price", 101.5], ["bid", 101.4]]
 */
export function factFields(fact: Fact): [field: string, value: number][] {
  let names: string[];
  switch (fact.kind) {
    case "market_price":
      names = ["price", "bid", "ask"];
      break;
    case "market_candles":
      names = ["open", "high", "low", "close", "volume"];
      break;
    case "portfolio_held_asset_metrics":
      names = Object.keys(fact.data.metrics).map((m) => `metrics.${m}`);
      break;
    default:
      names = ["value"];
  }
  const out: [string, number][] = [];
  for (const name of names) {
    const value = readField(fact, name);
    if (value !== undefined) out.push([name, value]);
  }
  return out;
}
