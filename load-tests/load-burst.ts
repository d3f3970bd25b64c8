/**
 * `npm run load:burst`: a flash crash on a fresh local fabric. N monitors on one symbol
 * (`crosses_below` at thresholds spread over 91–100, one workflow each) see a fact at 120, then ONE
 * fact at 50 that crosses them all. Per size it reports:
 * - when every match was acknowledged by notify-trigger-match (the matcher outbox's delivered_at)
 *   and when every workflow ticked (the `tick_executed` events in D1), after the crossing push;
 * - wake-ups per second (N ÷ time to the last tick), and lost and doubled wakes: every matchId must
 *   have woken exactly one recorded tick (load-tests/lib/burst-accounting.ts);
 * - p50/p99 of five other routes (push of an unrelated symbol, registry PUT and GET of an unrelated
 *   monitor, admin stats, healthz) sampled every SAMPLE_MS during the burst, beside the same routes
 *   sampled the same way at rest just before it (target from issue 19: burst p99 ≤ 3× rest p99);
 * - the floor: a one-step Workflow Worker under the same wrangler/workerd, creating K = N instances
 *   (load-tests/workflow-floor), run before the fabric; the wake rate is given as a ratio of it.
 * The figures come from the fabric's local state files read-only (load-tests/lib/burst-state.ts).
 * Env: MONITORS (sizes, default "1000,10000"), USERS (owners; default one per monitor), WORKFLOWS
 * (the monitors share this many workflows, one owner each: coalesced wakes; default one per monitor), REST_S (10),
 * TAIL_S (5: sampling goes on after the last tick, to see the routes recover), SAMPLE_MS (250),
 * TIMEOUT_S (default 60 + N/10), WAKE_RATE_PER_S (the wakes consumer's pace), FLOOR=0 (skip the floor), FLOOR_K (the floor's K, default N),
 * FLOOR_MODE=single (one create() per instance instead of createBatch), FABRIC_LOG=1 (the
 * runtime's logs on stderr), BURST_MIN_FREE_MB (2048). A run stops its runtime and fails with the
 * reason when the machine's available memory falls below that, or when workerd nears its file
 * descriptor limit: locally every Durable Object and Workflow instance stays open (~2.4
 * descriptors each), so under `ulimit -n` 20000 one workerd holds ~8,000 (lib/burst-process.ts).
 * Exits non-zero when a size timed out or lost or doubled a wake; the routes' 3× target is reported,
 * not enforced (it is what issue 19 sets out to reach).
 */

import { type BenchRow, reportBench } from "./lib/bench-output";
import { phaseStats, type Sample, slowUntil } from "./lib/burst-accounting";
import { type FloorResult, measureFloor } from "./lib/burst-floor";
import { type BurstRun, runBurst } from "./lib/burst-run";
import { countKnob, countListKnob, flagKnob, KnobError, numberKnob, readKnobs, refuseBase } from "./lib/knobs";

// Every knob is read before the first size starts: a typo must not surface after minutes of a run.
const knobs = readKnobs(() => {
  refuseBase("load:burst starts its own fabric and reads its state files");
  const mode: string = process.env.FLOOR_MODE ?? "batch";
  if (mode !== "batch" && mode !== "single") throw new KnobError(`FLOOR_MODE=${mode} is not batch or single`);
  return {
    SIZES: countListKnob("MONITORS", [1000, 10_000]),
    USERS: process.env.USERS ? countKnob("USERS", 1) : undefined,
    WORKFLOWS: process.env.WORKFLOWS ? countKnob("WORKFLOWS", 1) : undefined,
    REST_S: numberKnob("REST_S", 10),
    TAIL_S: numberKnob("TAIL_S", 5, { min: 0 }),
    SAMPLE_MS: countKnob("SAMPLE_MS", 250),
    FLOOR_MODE: mode as "batch" | "single",
    MIN_FREE_MB: countKnob("BURST_MIN_FREE_MB", 2048, { min: 0 }),
    FLOOR: flagKnob("FLOOR", true),
    FLOOR_K: process.env.FLOOR_K ? countKnob("FLOOR_K", 1000) : undefined,
    TIMEOUT_S: process.env.TIMEOUT_S ? numberKnob("TIMEOUT_S", 160) : undefined,
    WAKE_RATE_PER_S: process.env.WAKE_RATE_PER_S ? countKnob("WAKE_RATE_PER_S", 100) : undefined,
  };
});
const { SIZES, USERS, WORKFLOWS, REST_S, TAIL_S, SAMPLE_MS, FLOOR_MODE, MIN_FREE_MB } = knobs;
const ROUTES = ["push", "registry PUT", "GET monitor", "stats", "healthz"];

const rows: BenchRow[] = [];
const sizes: Record<string, unknown>[] = [];
let ok = true;
for (const n of SIZES) {
  try {
    sizes.push(await measureSize(n));
  } catch (err) {
    // A failed size (out of memory, a runtime that would not start) still leaves the sizes before it reported.
    const message = err instanceof Error ? err.message : String(err);
    console.error(`N=${n}: FAILED: ${message}`);
    rows.push({ metric: `N=${n.toLocaleString("en-US")}: FAILED`, value: message.slice(0, 200) });
    sizes.push({ monitors: n, error: message });
    ok = false;
    break;
  }
}

// The shared-workflows variant is its own result: it must not overwrite the one-workflow-per-monitor run's.
reportBench(WORKFLOWS ? `burst-${WORKFLOWS}-workflows` : "burst", {
  title: `a flash crash: N monitors${WORKFLOWS ? ` feeding ${WORKFLOWS} workflows` : ""} crossed by one fact; wake path vs a one-step Workflow floor (same runtime, K = ${knobs.FLOOR_K ?? "N"}, ${FLOOR_MODE === "batch" ? "createBatch" : "create() each"}); other routes sampled every ${SAMPLE_MS} ms during the burst vs at rest (${REST_S} s, same run); ratio = value ÷ baseline`,
  rows,
  summary: { pass: ok, sizes },
});
process.exit(ok ? 0 : 1);

/** One size: the floor at K = n, then the burst on a fresh fabric; its rows are added to the table. */
async function measureSize(n: number): Promise<Record<string, unknown>> {
  let floor: FloorResult | undefined;
  let floorError: string | undefined;
  if (knobs.FLOOR) {
    try {
      floor = await measureFloor(knobs.FLOOR_K ?? n, { mode: FLOOR_MODE, minFreeMb: MIN_FREE_MB });
    } catch (err) {
      // The fabric is still measured: a floor that cannot run at this K says something too.
      floorError = err instanceof Error ? err.message : String(err);
      console.error(`N=${n}: the floor FAILED: ${floorError}`);
    }
  }
  const timeoutMs = (knobs.TIMEOUT_S ?? 60 + n / 10) * 1000;
  const run = await runBurst({
    monitors: n,
    users: USERS,
    ...(WORKFLOWS ? { workflows: WORKFLOWS } : {}),
    restSeconds: REST_S,
    tailSeconds: TAIL_S,
    sampleMs: SAMPLE_MS,
    timeoutMs,
    minFreeMb: MIN_FREE_MB,
  });
  const routes = Object.fromEntries(ROUTES.map((r) => [r, routeStats(run.samples, r, run)]));
  rows.push(...sizeRows(run, floor, routes));
  if (floorError)
    rows.push({ metric: `N=${n.toLocaleString("en-US")}: floor FAILED`, value: floorError.slice(0, 200) });
  const wakesPerSec = wakeRate(run);
  ok &&= !run.timedOut && run.account.lost.length === 0 && run.account.doubled === 0;
  return {
    monitors: n,
    timedOut: run.timedOut,
    notifyAllMs: run.notified.last,
    tickAllMs: run.ticked.last,
    wakesPerSec,
    lost: run.account.lost.length,
    doubled: run.account.doubled,
    workflows: run.workflows,
    ticks: run.account.ticks,
    sessionWakes: run.wakes.sessionWakes,
    coalesced: run.wakes.coalesced,
    lostMatchIds: run.account.lost.slice(0, 10),
    notified: run.notified,
    ticked: run.ticked,
    outbox: run.outbox,
    runtimeCpuSeconds: run.runtimeCpuSeconds,
    loadAverage: run.loadAverage,
    registerSeconds: run.registerSeconds,
    routes,
    routesWithin3x: ROUTES.every((r) => (routes[r]?.burst.p99 ?? Infinity) <= 3 * (routes[r]?.rest.p99 ?? 0)),
    floor: floor ?? (floorError && { error: floorError }),
    ratioToFloorCreates: floor && wakesPerSec / floor.createsPerSec,
    ratioToFloorCompletions: floor && wakesPerSec / floor.completionsPerSec,
  };
}

function routeStats(samples: Sample[], route: string, run: BurstRun) {
  const rest = phaseStats(samples, route, run.restFrom, run.pushAt);
  return {
    rest,
    burst: phaseStats(samples, route, run.pushAt, run.burstTo),
    /** ms after the push until the route last answered slower than 3× its rest p99 (sampled TAIL_S past the last tick). */
    slowUntilMs: slowUntil(samples, route, run.pushAt, 3 * rest.p99),
  };
}

function wakeRate(run: BurstRun): number {
  return run.timedOut
    ? run.ticked.count / ((run.burstTo - run.pushAt) / 1000)
    : run.monitors / (run.ticked.last / 1000);
}

function sizeRows(
  run: BurstRun,
  floor: FloorResult | undefined,
  routes: Record<string, ReturnType<typeof routeStats>>,
): BenchRow[] {
  const n = `N=${run.monitors.toLocaleString("en-US")}:`;
  const s = (ms: number) => Math.round(ms / 100) / 10;
  const rate = wakeRate(run);
  const out: BenchRow[] = [
    {
      metric: `${n} every match acknowledged by notify (s after the push)`,
      value: run.notified.count === run.monitors ? s(run.notified.last) : `only ${run.notified.count} acknowledged`,
    },
    { metric: `${n} every workflow ticked (s after the push)`, value: s(run.ticked.last) },
    {
      metric: `${n} first / median notify ack (s after the push)`,
      value: `${s(run.notified.first)} / ${s(run.notified.p50)}`,
    },
    { metric: `${n} first / median tick (s after the push)`, value: `${s(run.ticked.first)} / ${s(run.ticked.p50)}` },
    {
      metric: `${n} wake-ups/s vs floor creations/s`,
      value: Math.round(rate * 10) / 10,
      baseline: floor?.createsPerSec,
      target: ">= 0.5x",
      ratio: floor && rate / floor.createsPerSec,
    },
    {
      metric: `${n} wake-ups/s vs floor completions/s`,
      value: Math.round(rate * 10) / 10,
      baseline: floor?.completionsPerSec,
      ratio: floor && rate / floor.completionsPerSec,
    },
    { metric: `${n} lost wakes`, value: run.account.lost.length, target: "0" },
    { metric: `${n} doubled wakes`, value: run.account.doubled, target: "0" },
    {
      metric: `${n} matches / workflows / ticks / wakes handed to sessions (coalesced matches)`,
      value: `${run.monitors} / ${run.workflows} / ${run.account.ticks} / ${run.wakes.sessionWakes ?? "?"} (${run.wakes.coalesced ?? "?"})`,
    },
    { metric: `${n} notify retries / rejected`, value: `${run.outbox.retried} / ${run.outbox.rejected}` },
    {
      metric: `${n} runtime CPU ms per wake vs per floor instance`,
      value: Math.round(((run.runtimeCpuSeconds * 1000) / run.monitors) * 10) / 10,
      baseline: floor?.cpuMsPerInstance,
      ratio: floor && (run.runtimeCpuSeconds * 1000) / run.monitors / floor.cpuMsPerInstance,
    },
  ];
  if (floor && floor.completed < floor.k)
    out.unshift({
      metric: `${n} FLOOR INCOMPLETE: instances created / completed`,
      value: `${floor.created} / ${floor.completed}`,
    });
  if (run.timedOut) out.unshift({ metric: `${n} TIMED OUT: workflows ticked by the timeout`, value: run.ticked.count });
  out.push({ metric: `${n} machine load (1 min) at the push`, value: Math.round(run.loadAverage * 100) / 100 });
  const skipped = Object.values(routes).reduce((a, r) => a + r.burst.skipped, 0);
  if (skipped > 0) out.push({ metric: `${n} route samples not sent (200 outstanding on the route)`, value: skipped });
  const slowest = Math.max(...Object.values(routes).map((r) => r.slowUntilMs));
  out.push({ metric: `${n} other routes slower than 3x rest p99 until (s after the push)`, value: s(slowest) });
  for (const [route, r] of Object.entries(routes)) {
    out.push({
      metric: `${n} ${route} p50 burst (ms) vs rest`,
      value: r.burst.p50,
      baseline: r.rest.p50,
      ratio: r.burst.p50 / r.rest.p50,
    });
    out.push({
      metric: `${n} ${route} p99 burst (ms) vs rest`,
      value: r.burst.p99,
      baseline: r.rest.p99,
      target: "<= 3x",
      ratio: r.burst.p99 / r.rest.p99,
    });
  }
  return out;
}
