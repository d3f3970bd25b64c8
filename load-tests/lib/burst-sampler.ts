import http from "node:http";
import type { Sample } from "./burst-accounting";

/**
 * Samples a few routes at a steady low rate while load:burst runs: each route on its own schedule
 * (one request every `everyMs`, routes staggered), open loop and timed from when it was due. Each
 * sample is its own request, as from its own user: none waits in this client behind a slower one
 * (with a few connections per route, a 12 s stall queued the later samples here and charged them
 * that queue too). At most `maxInFlight` per route are outstanding, so a stalled route is not
 * buried under thousands; a sample due beyond that is not sent and counts as skipped (status -1).
 * A sample with no answer within `timeoutMs` counts as that long with status 0.
 *
 * @example const s = sampleRoutes(base, probes, { everyMs: 250 }); …; const samples = await s.stop();
 */
export type Probe = {
  route: string;
  method: "GET" | "PUT" | "POST";
  path: string;
  headers?: Record<string, string>;
  body?: () => string;
};

/** Epoch milliseconds with sub-millisecond resolution: the clock of samples and of the fabric's own times. */
export const nowMs = () => performance.timeOrigin + performance.now();

export function sampleRoutes(
  base: string,
  probes: Probe[],
  opts: { everyMs: number; maxInFlight?: number; timeoutMs?: number },
): { samples: Sample[]; stop: () => Promise<Sample[]>; abort: () => void } {
  const target = new URL(base);
  const samples: Sample[] = [];
  const inFlight = new Set<Promise<void>>();
  const timers: NodeJS.Timeout[] = [];
  const maxInFlight = opts.maxInFlight ?? 200;
  const agents = probes.map(() => new http.Agent({ keepAlive: true, maxSockets: maxInFlight }));
  const outstanding = probes.map(() => 0);
  const timeoutMs = opts.timeoutMs ?? 180_000;

  const send = (i: number, probe: Probe, agent: http.Agent, due: number) => {
    if ((outstanding[i] ?? 0) >= maxInFlight) {
      samples.push({ route: probe.route, due, ms: Number.NaN, status: -1 });
      return;
    }
    outstanding[i] = (outstanding[i] ?? 0) + 1;
    const payload = probe.body?.();
    const done = new Promise<void>((resolve) => {
      let settled = false;
      const record = (status: number) => {
        if (settled) return;
        settled = true;
        outstanding[i] = (outstanding[i] ?? 1) - 1;
        samples.push({ route: probe.route, due, ms: nowMs() - due, status });
        resolve();
      };
      const req = http.request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: probe.path,
          method: probe.method,
          headers: {
            ...probe.headers,
            ...(payload === undefined ? {} : { "content-length": Buffer.byteLength(payload) }),
          },
          timeout: timeoutMs,
        },
        (res) => {
          res.resume();
          res.on("end", () => record(res.statusCode ?? 0));
        },
      );
      req.on("timeout", () => req.destroy(new Error("sample timed out")));
      req.on("error", () => record(0));
      req.end(payload);
    });
    inFlight.add(done);
    void done.then(() => inFlight.delete(done));
  };

  probes.forEach((probe, i) => {
    const agent = agents[i] ?? new http.Agent();
    const start = nowMs() + (i * opts.everyMs) / probes.length;
    let n = 0;
    const tick = () => {
      // Every sample due by now goes out now (catching up after a late timer), stamped with its due time.
      while (start + n * opts.everyMs <= nowMs()) send(i, probe, agent, start + n++ * opts.everyMs);
      timers[i] = setTimeout(tick, Math.max(0, start + n * opts.everyMs - nowMs()));
    };
    timers[i] = setTimeout(tick, Math.max(0, start - nowMs()));
  });

  return {
    samples,
    /** Stop sending and wait for every sample still outstanding (their latencies are the burst's). */
    stop: async () => {
      for (const t of timers) clearTimeout(t);
      await Promise.all([...inFlight]);
      for (const a of agents) a.destroy();
      return samples;
    },
    /** Stop at once (a failed run): outstanding samples end with status 0. */
    abort: () => {
      for (const t of timers) clearTimeout(t);
      for (const a of agents) a.destroy();
    },
  };
}
