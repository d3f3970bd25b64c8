import { env } from "cloudflare:workers";
import { encode } from "../../../shared/src/codec";
import type { AcceptedFact } from "../../../shared/src/facts";
import type { MonitorDefinition } from "../../../shared/src/monitor";
import { factStreamKey, shardName, shardOf } from "../../../shared/src/streams";
import type { MatcherEnv } from "../../src/env";

export const menv = env as unknown as MatcherEnv & { MONITOR_RUNTIME: Fetcher };

let seq = 0;
export function priceFacts(symbol: string, prices: number[], t0 = Date.UTC(2026, 0, 1)): AcceptedFact[] {
  return prices.map((price, i) => {
    const f = { kind: "market_price" as const, subject: { symbol }, observedAt: t0 + i * 60_000, data: { price } };
    seq++;
    return {
      ...f,
      eventId: `01JTEST${String(seq).padStart(19, "0")}`,
      producerId: "p",
      receivedAt: 0,
      streamKey: factStreamKey(f),
    };
  });
}

export function crossingMonitor(monitorId: string, symbol: string, level: number, version = 1): MonitorDefinition {
  return {
    monitorId,
    version,
    workflowId: `wf-${monitorId}`,
    ownerUserId: "u-1",
    linkedPortfolioIds: ["pf-1"],
    predicate: {
      all: [
        { stream: { kind: "market_price", subject: { symbol } }, field: "price", op: "crosses_above", value: level },
      ],
    },
    fire: { mode: "edge", cooldownMs: 0, once: false },
    enabled: true,
  };
}

export function shardFor(symbol: string) {
  const n = shardOf(`market_price:${symbol}`, 4);
  return menv.SHARDS.get(menv.SHARDS.idFromName(shardName(n)));
}

export function factsMessage(facts: AcceptedFact[]) {
  return encode({ v: 1, facts });
}

export async function notifyCalls(): Promise<{ body: { matchId: string; workflowId: string } }[]> {
  return (await (await menv.MONITOR_RUNTIME.fetch("http://sink/test/calls")).json()) as {
    body: { matchId: string; workflowId: string };
  }[];
}

export async function setNotifyStatus(status: number): Promise<void> {
  await menv.MONITOR_RUNTIME.fetch(`http://sink/test/status?s=${status}`);
}

export async function clearNotify(): Promise<void> {
  await menv.MONITOR_RUNTIME.fetch("http://sink/test/clear");
}
