import type { FetchLike } from "../../client/src/index";
import type { FactInput } from "../../shared/src/facts";
import { devClient } from "./fabric-client";
import { openLoopOf } from "./open-loop";

/**
 * bench:ingest's runs through the client library: the raw run's open loop, each push a
 * `facts.push` of one batch on the next of `clients` FabricClients (each keeps its own pushes in
 * order, so as many clients as the raw run has sockets let pushes overlap as much), and the rows
 * that compare them with the raw run.
 *
 * @example const loop = clientLoop(base, { clients: 16, rate: 200, batch }); await loop(20);
 */
export function clientLoop(
  base: string,
  o: { clients: number; rate: number; batch: () => FactInput[]; fetch?: FetchLike },
) {
  // One attempt, as the raw loop makes: the figures compare the same work, retries aside.
  const options = { retry: { maxAttempts: 1 }, ...(o.fetch ? { fetch: o.fetch } : {}) };
  const clients = Array.from({ length: o.clients }, () => devClient(base, options));
  let next = 0;
  return (seconds: number) =>
    openLoopOf({
      rate: o.rate,
      seconds,
      send: async () => {
        const facts = o.batch();
        const client = clients[next++ % clients.length];
        const r = await client?.facts.push(facts);
        return r !== undefined && r.accepted + r.duplicates === facts.length;
      },
    });
}

/** What a paced run measured: facts/s, latency, and CPU per push (runtime, and this process). */
export type PacedRun = {
  factsPerSec: number;
  p50: number;
  p99: number;
  cpuMsPerPush: number;
  generatorCpuMsPerPush: number;
};

/** The client's extra CPU per push, as a share of the raw run's whole CPU per push (runtime + generator). */
export function clientOverheadPct(raw: PacedRun, client: PacedRun): number {
  const overhead = client.generatorCpuMsPerPush - raw.generatorCpuMsPerPush;
  return (100 * overhead) / (raw.cpuMsPerPush + raw.generatorCpuMsPerPush);
}

/**
 * The client runs' rows, each with the raw run as its baseline: `client` over node:http (the raw
 * run's socket layer: the library's own overhead, the figure with the target) and `viaFetch` over
 * Node's global fetch (what a caller gets by default).
 */
export function clientRows(raw: PacedRun, client: PacedRun, viaFetch: PacedRun, rate: string) {
  const ms = (v: number) => Math.round(v * 1000) / 1000;
  const pct = clientOverheadPct(raw, client);
  const pctFetch = clientOverheadPct(raw, viaFetch);
  return [
    {
      metric: `facts/s accepted at ${rate}/s through the client`,
      value: Math.round(client.factsPerSec),
      baseline: Math.round(raw.factsPerSec),
    },
    { metric: `p50 latency at ${rate}/s through the client (ms)`, value: client.p50, baseline: raw.p50 },
    { metric: `p99 latency at ${rate}/s through the client (ms)`, value: client.p99, baseline: raw.p99 },
    {
      metric: "generator CPU ms per 100-fact push: client over node:http (baseline: raw HTTP)",
      value: ms(client.generatorCpuMsPerPush),
      baseline: ms(raw.generatorCpuMsPerPush),
    },
    {
      metric: "client CPU overhead per push, % of the raw push's CPU (runtime + generator)",
      value: Math.round(pct * 10) / 10,
      target: "< 10",
      ratio: 10 / Math.max(pct, 0.001),
    },
    { metric: `p99 latency at ${rate}/s, client over global fetch (ms)`, value: viaFetch.p99, baseline: raw.p99 },
    {
      metric: "generator CPU ms per push: client over global fetch (baseline: raw HTTP)",
      value: ms(viaFetch.generatorCpuMsPerPush),
      baseline: ms(raw.generatorCpuMsPerPush),
    },
    {
      metric: "client + global fetch CPU overhead per push, % of the raw push's CPU",
      value: Math.round(pctFetch * 10) / 10,
    },
  ];
}
