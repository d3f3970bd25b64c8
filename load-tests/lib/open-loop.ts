import http from "node:http";

/**
 * An open-loop HTTP load generator: requests are scheduled at evenly spaced instants, whatever the
 * server does, and each latency is measured from the instant the request was *due*, so a stalled
 * server is charged for the requests it held back (no coordinated omission).
 *
 * Why not autocannon's `overallRate`: it limits each connection per wall-clock second, so every
 * connection sends its whole quota back to back at the start of each second and then waits. At
 * 200 requests/s over 64 connections that is a burst of 200 requests every second, and the
 * latency measured is the time to drain the burst, not the latency at that rate.
 *
 * @example
 * const r = await openLoop({ url, rate: 200, seconds: 20, headers, body: () => JSON.stringify(batch()) });
 * console.log(r.ok, percentile(r.latenciesMs, 0.99));
 */
export type OpenLoopOptions = {
  url: string;
  /** Requests per second, spread evenly. */
  rate: number;
  seconds: number;
  headers: Record<string, string>;
  body: () => string;
  /** Keep-alive connections at most; requests beyond wait for one (and that wait counts). */
  connections?: number;
};

export type OpenLoopResult = { sent: number; ok: number; failed: number; latenciesMs: number[] };

/** The raw HTTP open loop: one POST of `body()` to `url` per due instant, on keep-alive sockets. */
export async function openLoop(opts: OpenLoopOptions): Promise<OpenLoopResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.connections ?? 64 });
  const target = new URL(opts.url);
  const send = (): Promise<boolean> =>
    new Promise((resolve) => {
      const payload = opts.body();
      const req = http.request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: "POST",
          headers: { ...opts.headers, "content-length": Buffer.byteLength(payload) },
        },
        (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300));
        },
      );
      req.on("error", () => resolve(false));
      req.end(payload);
    });
  try {
    return await openLoopOf({ rate: opts.rate, seconds: opts.seconds, send });
  } finally {
    agent.destroy();
  }
}

/**
 * The same schedule for any request: `send` is called once per due instant (true = success), and
 * its latency counts from that instant. bench:ingest runs its client run through it.
 *
 * @example await openLoopOf({ rate: 200, seconds: 20, send: async () => (await client.facts.push(batch())).accepted > 0 })
 */
export async function openLoopOf(opts: {
  rate: number;
  seconds: number;
  send: () => Promise<boolean>;
}): Promise<OpenLoopResult> {
  const interval = 1000 / opts.rate;
  const total = Math.round(opts.rate * opts.seconds);
  const latenciesMs: number[] = [];
  let ok = 0;
  let failed = 0;
  const inFlight: Promise<void>[] = [];
  const sendAt = (due: number) =>
    opts
      .send()
      .catch(() => false)
      .then((success) => {
        latenciesMs.push(performance.now() - due);
        if (success) ok++;
        else failed++;
      });

  const start = performance.now();
  for (let i = 0; i < total; ) {
    const now = performance.now();
    // Every request due by now goes out now (catching up after a late timer), stamped with its due time.
    while (i < total && start + i * interval <= now) {
      inFlight.push(sendAt(start + i * interval));
      i++;
    }
    const nextDue = start + i * interval;
    await new Promise((r) => setTimeout(r, Math.max(0, nextDue - performance.now())));
  }
  await Promise.all(inFlight);
  return { sent: total, ok, failed, latenciesMs };
}

/** The p-quantile (0..1) of some values, by nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? Number.NaN;
}
