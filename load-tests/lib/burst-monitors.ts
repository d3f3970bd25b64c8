import { DEFAULT_SHARD_COUNT } from "../../shared/src/contract/topology";
import { MonitorBodySchema } from "../../shared/src/monitor";
import { shardOf, streamKey } from "../../shared/src/streams";
import { devClient } from "./fabric-client";

/**
 * load:burst's population: N monitors on one symbol, `crosses_below` at thresholds spread evenly
 * over 91–100, each with its own workflowId; `users` owners (default: one each), each owner with
 * one portfolio, so a crash reaches that many users' sessions. With `workflows`, monitor i feeds
 * workflow i mod workflows of owner i mod workflows instead (many monitors of one user feeding one
 * workflow: the wakes of a workflow's matches coalesce). Registered through the public API with
 * bounded concurrency.
 *
 * @example const monitors = burstMonitors(1000); await registerAll(base, monitors, 8);
 */
export const BURST_SYMBOL = "BURST";
export const ADMIN = { authorization: "Bearer dev-admin-token", "content-type": "application/json" };
export const PRODUCER = { authorization: "Bearer dev-producer-token", "content-type": "application/json" };

export type BurstMonitor = { monitorId: string; workflowId: string; body: Record<string, unknown> };

const priceStream = (symbol: string) => ({ kind: "market_price", subject: { symbol } });

export function burstMonitors(n: number, users = n, workflows?: number): BurstMonitor[] {
  return Array.from({ length: n }, (_, i) => {
    const owner = workflows ? i % workflows : i % Math.max(1, users);
    const workflowId = `wf-burst-${workflows ? i % workflows : i}`;
    const level = n === 1 ? 95 : Math.round((91 + (9 * i) / (n - 1)) * 1000) / 1000;
    return {
      monitorId: `burst-${i}`,
      workflowId,
      body: {
        workflowId,
        ownerUserId: `u-burst-${owner}`,
        linkedPortfolioIds: [`pf-burst-${owner}`],
        predicate: { all: [{ stream: priceStream(BURST_SYMBOL), field: "price", op: "crosses_below", value: level }] },
        fire: { mode: "edge" },
        enabled: true,
      },
    };
  });
}

/**
 * The unrelated monitor the bench updates and reads during the burst: on a symbol whose stream
 * lives on another matcher shard than the burst's, so its figures show what the burst does to
 * the rest of the fabric, not to the shard that is busy matching it.
 */
export function probeSymbol(shards = DEFAULT_SHARD_COUNT): string {
  const busy = shardOf(streamKey(priceStream(BURST_SYMBOL)), shards);
  for (let i = 0; ; i++) if (shardOf(streamKey(priceStream(`PROBE${i}`)), shards) !== busy) return `PROBE${i}`;
}

export function probeBody(symbol: string, level: number): Record<string, unknown> {
  return {
    workflowId: "wf-probe",
    ownerUserId: "u-probe",
    linkedPortfolioIds: [],
    predicate: { all: [{ stream: priceStream(symbol), field: "price", op: "crosses_above", value: level }] },
    fire: { mode: "edge" },
    enabled: true,
  };
}

/**
 * PUT every monitor through the client, `concurrency` at a time (the client retries a 429/503 or
 * a refused connection with backoff, and throws a FabricError on anything else). Returns versions.
 */
export async function registerAll(base: string, monitors: BurstMonitor[], concurrency: number): Promise<number[]> {
  const versions: number[] = new Array(monitors.length);
  let next = 0;
  const worker = async () => {
    while (next < monitors.length) {
      const i = next++;
      const m = monitors[i];
      if (!m) continue;
      versions[i] = await put(base, m.monitorId, m.body);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return versions;
}

export async function put(base: string, monitorId: string, body: Record<string, unknown>): Promise<number> {
  const { version } = await devClient(base).monitors.put(monitorId, MonitorBodySchema.parse(body));
  return version;
}

/** One market_price fact on `symbol`, pushed through the client; answers its eventId. */
export async function pushPrice(base: string, symbol: string, price: number, observedAt = Date.now()): Promise<string> {
  const fact = { kind: "market_price" as const, subject: { symbol }, observedAt, data: { price } };
  const { eventIds } = await devClient(base).facts.push([fact]);
  const eventId = eventIds[0];
  if (!eventId) throw new Error("POST /v1/facts answered no eventId");
  return eventId;
}
