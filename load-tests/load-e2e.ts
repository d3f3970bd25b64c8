/**
 * `npm run load:e2e`: the whole fabric end to end. Registers crossing monitors on 1,000 symbols,
 * pushes random-walk prices at a fixed rate (1,000 then 5,000 facts/s, 100-fact batches, 60 s
 * each) and measures, for every match, the time from the POST that carried its fact to the match
 * arriving at notify-trigger-match (timestamped on receipt by a loopback receiver: the matcher's
 * NOTIFY_URL). Expected matches come from the reference evaluator over the accepted facts.
 * Env: DURATION (s per rate, default 60), RATES (default "1000,5000"), SYMBOLS (default 1000).
 */

import type { FactInput } from "../shared/src/facts";
import { MonitorBodySchema, type MonitorDefinition } from "../shared/src/monitor";
import { reportBench } from "./lib/bench-output";
import { devClient } from "./lib/fabric-client";
import { countKnob, countListKnob, numberKnob, readKnobs, refuseBase } from "./lib/knobs";
import { startFabric } from "./lib/local-fabric";
import { startReceiver } from "./lib/notify-receiver";
import { latencyHistogramSvg } from "./lib/svg-chart";
import { expectedMatches, percentile, workload } from "./lib/workload";

// A running fabric's matcher notifies its own monitor runtime, never this run's receiver: every match would read as lost.
const { DURATION, RATES, SYMBOLS } = readKnobs(() => ({
  ...refuseBase("load:e2e starts its own fabric with NOTIFY_URL on its receiver"),
  DURATION: numberKnob("DURATION", 60),
  RATES: countListKnob("RATES", [1000, 5000]),
  SYMBOLS: countKnob("SYMBOLS", 1000),
}));
const BATCH = 100;

const receiver = await startReceiver();
const fabric = await startFabric({ vars: { matcher: { NOTIFY_URL: receiver.url } } });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function pool<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

try {
  const w = workload({ symbols: SYMBOLS, seed: 42 });
  const defs: MonitorDefinition[] = [];
  const t0 = Date.now();
  const admin = devClient(fabric.base);
  await pool(w.monitors, 16, async (m) => {
    const body = MonitorBodySchema.parse(m.body);
    const { version } = await admin.monitors.put(m.id, body);
    defs.push({ ...body, monitorId: m.id, version });
  });
  console.log(`registered ${defs.length} monitors in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  const accepted: { fact: FactInput; eventId: string }[] = [];
  const postedAt = new Map<string, { at: number; rate: number }>();
  const phases: { rate: number; sent: number; accepted: number; failed: number; seconds: number; postMs: number[] }[] =
    [];
  for (const rate of RATES) {
    const interval = (1000 * BATCH) / rate;
    const phase = { rate, sent: 0, accepted: 0, failed: 0, seconds: DURATION, postMs: [] as number[] };
    const inflight: Promise<void>[] = [];
    const start = Date.now();
    const batches = Math.floor((rate * DURATION) / BATCH);
    // Batches cycle through groups of 100 symbols, each group pushed by its own client: a client
    // sends a push only once its previous one was answered, so every stream reaches the fabric in
    // push order (concurrent pushes of one symbol could otherwise overtake each other at the
    // producer) and the reference evaluator's order is the fabric's. If the fabric answers slower
    // than the rate, sends slip and the accepted rate shows it.
    const groups = Math.max(1, Math.floor(SYMBOLS / BATCH));
    const producers = Array.from({ length: groups }, () => devClient(fabric.base));
    for (let k = 0; k < batches; k++) {
      const due = start + k * interval;
      if (due > Date.now()) await sleep(due - Date.now());
      const facts = w.nextBatch(BATCH, Date.now());
      const slot = accepted.length;
      accepted.length += facts.length; // reserve push-order slots: the reference evaluates in push order
      phase.sent += facts.length;
      const producer = producers[k % groups] ?? admin;
      const send = async () => {
        // Time from when the client takes the push (it queues behind the group's previous one).
        const sentAt = Date.now();
        try {
          const { eventIds } = await producer.facts.push(facts);
          phase.postMs.push(Date.now() - sentAt);
          eventIds.forEach((eventId, i) => {
            accepted[slot + i] = { fact: facts[i] as FactInput, eventId };
            postedAt.set(eventId, { at: sentAt, rate });
          });
          phase.accepted += eventIds.length;
        } catch (err) {
          phase.failed += facts.length;
          console.error(`push failed: ${String(err)}`);
        }
      };
      inflight.push(send());
    }
    await Promise.all(inflight);
    phase.seconds = (Date.now() - start) / 1000;
    phases.push(phase);
    console.log(`rate ${rate}/s: ${phase.accepted} accepted, ${phase.failed} failed in ${phase.seconds.toFixed(1)} s`);
  }

  const pushed = accepted.filter((a): a is { fact: FactInput; eventId: string } => a !== undefined);
  // Seconds of this thread's time: the notify receiver runs on its own thread meanwhile.
  const refStart = Date.now();
  const expected = expectedMatches(defs, pushed);
  console.log(`reference evaluator: ${expected.length} matches in ${((Date.now() - refStart) / 1000).toFixed(1)} s`);
  const expectedIds = new Set(expected.map((m) => m.matchId));
  const drainStart = Date.now();
  let lastCount = -1;
  let stableSince = Date.now();
  for (;;) {
    const acked = new Set(receiver.receipts.filter((r) => r.acked).map((r) => r.matchId));
    if (acked.size >= expectedIds.size) break;
    if (acked.size !== lastCount) {
      lastCount = acked.size;
      stableSince = Date.now();
    } else if (Date.now() - stableSince > 20_000) break;
    await sleep(250);
  }
  const drainSeconds = (Date.now() - drainStart) / 1000;

  const firstAck = new Map<string, number>();
  let redelivered = 0;
  for (const r of receiver.receipts) {
    if (!r.acked) continue;
    if (firstAck.has(r.matchId)) redelivered++;
    else firstAck.set(r.matchId, r.at);
  }
  const delivered = [...firstAck.keys()];
  const lost = [...expectedIds].filter((id) => !firstAck.has(id)).length;
  // A match the reference does not produce: a doubled (second distinct) match, or a wrong one.
  const duplicates = delivered.filter((id) => !expectedIds.has(id)).length;
  const rows = [];
  const summary: Record<string, unknown> = {
    matchesExpected: expectedIds.size,
    matchesDelivered: delivered.length,
    lost,
    duplicates,
    redelivered,
    drainSeconds,
  };
  const allLatencies: number[] = [];
  for (const phase of phases) {
    const lat = delivered
      .map((id) => {
        const posted = postedAt.get(id.split("~")[2] ?? "");
        return posted && posted.rate === phase.rate ? (firstAck.get(id) ?? 0) - posted.at : undefined;
      })
      .filter((v): v is number => v !== undefined)
      .sort((a, b) => a - b);
    allLatencies.push(...lat);
    const acceptedPerSec = phase.accepted / phase.seconds;
    rows.push(
      {
        metric: `@${phase.rate}/s accepted facts/s`,
        value: Math.round(acceptedPerSec),
        target: `${phase.rate}`,
        ratio: acceptedPerSec / phase.rate,
      },
      { metric: `@${phase.rate}/s matches measured`, value: lat.length },
      {
        metric: `@${phase.rate}/s POST /v1/facts p50 (ms)`,
        value: percentile(
          [...phase.postMs].sort((a, b) => a - b),
          50,
        ),
      },
      {
        metric: `@${phase.rate}/s POST /v1/facts p99 (ms)`,
        value: percentile(
          [...phase.postMs].sort((a, b) => a - b),
          99,
        ),
      },
      { metric: `@${phase.rate}/s p50 fact→notify (ms)`, value: percentile(lat, 50) },
      {
        metric: `@${phase.rate}/s p99 fact→notify (ms)`,
        value: percentile(lat, 99),
        ...(phase.rate === 1000 ? { target: "< 100", ratio: 100 / Math.max(1, percentile(lat, 99)) } : {}),
      },
      { metric: `@${phase.rate}/s max fact→notify (ms)`, value: lat.at(-1) ?? 0 },
    );
    summary[`p50Ms@${phase.rate}`] = percentile(lat, 50);
    summary[`p99Ms@${phase.rate}`] = percentile(lat, 99);
    summary[`maxMs@${phase.rate}`] = lat.at(-1) ?? 0;
    summary[`acceptedPerSec@${phase.rate}`] = Math.round(acceptedPerSec);
  }
  rows.push(
    { metric: "matches expected (reference)", value: expectedIds.size },
    {
      metric: "matches delivered",
      value: delivered.length,
      baseline: expectedIds.size,
      ratio: delivered.length / Math.max(1, expectedIds.size),
    },
    { metric: "lost", value: lost, target: "0" },
    { metric: "duplicates (matches the reference does not make)", value: duplicates, target: "0" },
    { metric: "redeliveries of an acked matchId (dropped by id)", value: redelivered },
    { metric: "drain after last push (s)", value: Number(drainSeconds.toFixed(1)) },
  );
  latencyHistogramSvg(
    "load-tests/results/e2e-latency.svg",
    allLatencies,
    "fact → notify-trigger-match latency (ms), all rates",
  );
  reportBench("e2e", {
    title: `${SYMBOLS} symbols, ${defs.length} crossing monitors, ${DURATION} s per rate`,
    rows,
    summary,
  });
} finally {
  await fabric.stop();
  await receiver.close();
}
