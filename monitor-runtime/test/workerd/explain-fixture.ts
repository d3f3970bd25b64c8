import { shardCount, shardName } from "../../../shared/src/contract/topology";
import type { AcceptedFact } from "../../../shared/src/facts";
import { shardOf } from "../../../shared/src/streams";
import { renv } from "./runtime-helpers";

/**
 * One price stream for the explain route tests: its facts as its home shard stores them (one a
 * minute from T0), a monitor body crossing 100 on it, and a way to store the five prices the
 * tests explain (90, 110, 95, 120, 99) on that shard through its RPC.
 *
 * @example const s = explainStream("EXPL"); await s.stored(); await call("PUT", "/v1/monitors/m", s.body);
 */
export const T0 = Date.parse("2026-12-01T10:00:00Z");

export function explainStream(symbol: string) {
  const key = `market_price:${symbol}`;
  const stream = { kind: "market_price", subject: { symbol } } as const;
  const prices = (values: number[]): AcceptedFact[] =>
    values.map((price, i) => ({
      ...stream,
      data: { price },
      observedAt: T0 + i * 60_000,
      eventId: `01${symbol.padEnd(7, "X").slice(0, 7)}${String(i).padStart(17, "0")}`,
      producerId: "test",
      receivedAt: T0,
      streamKey: key,
    }));
  const home = () => renv.SHARDS.get(renv.SHARDS.idFromName(shardName(shardOf(key, shardCount(renv)))));
  return {
    key,
    stream,
    prices,
    home,
    body: {
      workflowId: "wf-expl",
      ownerUserId: "u-1",
      predicate: { stream, field: "price", op: "crosses_above", value: 100 },
      fire: { mode: "edge" },
    },
    stored: async () => {
      await home().applyFacts(prices([90, 110, 95, 120, 99]));
    },
  };
}
