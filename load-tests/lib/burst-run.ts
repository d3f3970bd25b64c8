import { mkdtempSync, rmSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { wakeIdOf } from "../../monitor-runtime/src/runtime/session/wake";
import { deterministicId, matchIdOf } from "../../shared/src/ids";
import { accountWakes, type ExpectedWake, type Sample, spread, type WakeAccount } from "./burst-accounting";
import {
  ADMIN,
  BURST_SYMBOL,
  burstMonitors,
  PRODUCER,
  probeBody,
  probeSymbol,
  pushPrice,
  put,
  registerAll,
} from "./burst-monitors";
import { guardRuntime, runtimeCpuSeconds } from "./burst-process";
import { nowMs, type Probe, sampleRoutes } from "./burst-sampler";
import { LocalState, type OutboxRow } from "./burst-state";
import { startFabric, stateRoot } from "./local-fabric";
import { shardTotals } from "./shard-totals";

/**
 * One load:burst size on a fresh local fabric: register N monitors, push the fact that sets the
 * previous price (120), sample the other routes at rest, push the crossing fact (50) and follow
 * every match to notify-trigger-match and every workflow to its recorded tick, sampling the same
 * routes until the last tick. Stops its fabric whatever happens.
 *
 * @example const r = await runBurst({ monitors: 1000, restSeconds: 10, tailSeconds: 5, sampleMs: 250, timeoutMs: 160_000 });
 */
export type BurstOptions = {
  monitors: number;
  users?: number;
  /** Monitors share this many workflows (one owner each) instead of one workflow per monitor. */
  workflows?: number;
  restSeconds: number;
  /** Seconds of sampling after the last tick (recovery; late doubles). */
  tailSeconds: number;
  sampleMs: number;
  timeoutMs: number;
  registerConcurrency?: number;
  /** Stop the run when the machine's available memory falls below this (MB). */
  minFreeMb?: number;
};

export type BurstRun = {
  monitors: number;
  timedOut: boolean;
  registerSeconds: number;
  /** Epoch ms: sampling at rest began, the crossing push was sent, the burst window ended (last tick, or the timeout). */
  restFrom: number;
  pushAt: number;
  burstTo: number;
  /** By the last tick (or the timeout): how many matches notify acknowledged; ms after the push: first, median, last. */
  notified: { count: number; first: number; p50: number; last: number };
  /** By the last tick (or the timeout): how many workflows ticked; ms after the push: when the first, median and last did. */
  ticked: { count: number; first: number; p50: number; last: number };
  /** Lost and doubled, counted TAIL_S after the last tick (or the timeout). */
  account: WakeAccount;
  /** The burst's workflows, and GET /v1/admin/stats `wakes` after the tail: coalesced wakes handed to sessions, matches that rode in another's. */
  workflows: number;
  wakes: { sessionWakes: number | null; coalesced: number | null };
  outbox: { rows: number; retried: number; rejected: number; unexpected: number; lastError: string | null };
  /** CPU seconds of the whole local runtime (wrangler, workerd) between the crossing push and the last tick. */
  runtimeCpuSeconds: number;
  /** The machine's 1-minute load average just before the crossing push (the machine is shared). */
  loadAverage: number;
  samples: Sample[];
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (msg: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${msg}`);
const WORKFLOW_PREFIX = "wf-burst-";

export async function runBurst(o: BurstOptions): Promise<BurstRun> {
  const persistTo = mkdtempSync(join(stateRoot(), "fabric-burst-"));
  const guard = guardRuntime(persistTo, o.minFreeMb);
  // WAKE_RATE_PER_S: the wakes consumer's pace for this run (the monitor runtime's default otherwise).
  const rate = process.env.WAKE_RATE_PER_S;
  const vars = rate ? { "monitor-runtime": { WAKE_RATE_PER_S: rate } } : undefined;
  const fabric = await startFabric({ persistTo, ...(vars ? { vars } : {}) }).catch((err: unknown) => {
    guard.kill();
    guard.release();
    rmSync(persistTo, { recursive: true, force: true });
    throw guard.reason ? new Error(guard.reason) : err;
  });
  const state = new LocalState(persistTo);
  let sampler: ReturnType<typeof sampleRoutes> | undefined;
  try {
    const { base } = fabric;
    const monitors = burstMonitors(o.monitors, o.users, o.workflows);
    const workflows = new Set(monitors.map((m) => m.workflowId)).size;
    const t0 = Date.now();
    const versions = await registerAll(base, monitors, o.registerConcurrency ?? 8);
    const probe = probeSymbol();
    await put(base, "burst-probe", probeBody(probe, 100));
    const registerSeconds = (Date.now() - t0) / 1000;
    log(`N=${o.monitors}: registered ${monitors.length} monitors in ${registerSeconds.toFixed(1)} s`);
    await pushPrice(base, BURST_SYMBOL, 120);
    for (let i = 0; i < 200 && (await shardTotals(base)).factsApplied < 1; i++) await sleep(100);

    let pushes = 0;
    let updates = 0;
    const probes: Probe[] = [
      { route: "push", method: "POST", path: "/v1/facts", headers: PRODUCER, body: () => calmFact(pushes++) },
      {
        route: "registry PUT",
        method: "PUT",
        path: "/v1/monitors/burst-probe",
        headers: ADMIN,
        body: () => JSON.stringify(probeBody(probe, 101 + (updates++ % 10))),
      },
      { route: "GET monitor", method: "GET", path: "/v1/monitors/burst-probe", headers: ADMIN },
      { route: "stats", method: "GET", path: "/v1/admin/stats", headers: ADMIN },
      { route: "healthz", method: "GET", path: "/healthz" },
    ];
    sampler = sampleRoutes(base, probes, { everyMs: o.sampleMs });
    // The first second of sampling warms the routes' connections and isolates up: not counted.
    const restFrom = nowMs() + 1000;
    await sleep(1000 + o.restSeconds * 1000);

    const loadAverage = loadavg()[0] ?? 0;
    const pushAt = nowMs();
    const cpu0 = runtimeCpuSeconds(fabric.process?.pid);
    const eventId = await pushPrice(base, BURST_SYMBOL, 50);
    log(`N=${o.monitors}: crossing fact pushed (${eventId}); following notify and ticks`);
    const expected = await Promise.all(
      monitors.map(async (m, i): Promise<ExpectedWake> => {
        const matchId = matchIdOf(m.monitorId, versions[i] ?? 1, eventId);
        const tickId = await deterministicId("tick", m.workflowId, wakeIdOf("trigger_match", matchId));
        return { workflowId: m.workflowId, matchId, tickId };
      }),
    );
    const deadline = pushAt + o.timeoutMs;
    let lastLog = nowMs();
    let timedOut = true;
    while (nowMs() < deadline) {
      if (guard.reason) throw new Error(guard.reason);
      // Every workflow ticks at least once (coalesced wakes: fewer ticks than matches).
      if (state.tickCount(WORKFLOW_PREFIX) >= workflows) {
        if (accountWakes(expected, state.ticks(WORKFLOW_PREFIX)).ticked === o.monitors) {
          timedOut = false;
          break;
        }
      }
      if (nowMs() - lastLog > 5000) {
        lastLog = nowMs();
        const ticks = state.tickCount(WORKFLOW_PREFIX);
        log(
          `  +${((lastLog - pushAt) / 1000).toFixed(0)} s: notified ${state.deliveredCount(eventId)}, ticked ${ticks}`,
        );
      }
      await sleep(250);
    }
    const cpu = runtimeCpuSeconds(fabric.process?.pid) - cpu0;
    // The times are what had happened by the last tick (or by the timeout)…
    const byEnd = accountWakes(expected, state.ticks(WORKFLOW_PREFIX));
    const acked = state.outbox(eventId).flatMap((r) => (r.deliveredAt === null ? [] : [r.deliveredAt]));
    const ticked = spread(byEnd.tickedAt, pushAt);
    const burstTo = timedOut ? deadline : pushAt + ticked.last;
    if (timedOut)
      log(`N=${o.monitors}: TIMEOUT after ${o.timeoutMs / 1000} s: ${byEnd.ticked} of ${o.monitors} ticked`);
    // Sampling goes on a while after the last tick: how long the routes take to recover. It is
    // also the wait for late doubles (a retried delivery, a second instance) before the last count.
    await sleep(o.tailSeconds * 1000);
    const samples = await sampler.stop();
    // …and the verdict (lost, doubled, notify outcomes) is taken after the tail.
    const account = accountWakes(expected, state.ticks(WORKFLOW_PREFIX));
    const rows = state.outbox(eventId);
    const wakes = await wakeStats(base);
    return {
      monitors: o.monitors,
      timedOut,
      registerSeconds,
      restFrom,
      pushAt,
      burstTo,
      notified: { count: acked.length, ...spread(acked, pushAt) },
      ticked: { count: byEnd.ticked, ...ticked },
      account,
      workflows,
      wakes,
      outbox: outboxSummary(rows, new Set(expected.map((e) => e.matchId))),
      runtimeCpuSeconds: cpu,
      loadAverage,
      samples,
    };
  } catch (err) {
    sampler?.abort();
    // Killed for lack of memory: that is the failure to report, not the refused request that followed.
    throw guard.reason ? new Error(guard.reason) : err;
  } finally {
    state.close();
    await fabric.stop();
    // A persistTo of our own: startFabric keeps it on stop.
    rmSync(persistTo, { recursive: true, force: true });
    guard.release();
  }
}

/** The wakes consumer's coalescing counters (null when the stats route does not report them). */
async function wakeStats(base: string): Promise<BurstRun["wakes"]> {
  const res = await fetch(`${base}/v1/admin/stats`, { headers: ADMIN });
  const body = (await res.json()) as { wakes?: { sessionWakes?: number; coalesced?: number } };
  return { sessionWakes: body.wakes?.sessionWakes ?? null, coalesced: body.wakes?.coalesced ?? null };
}

/** A fact on an unrelated symbol (no monitor reads it): what any producer keeps pushing during a crash. */
function calmFact(n: number): string {
  return JSON.stringify({
    facts: [
      { kind: "market_price", subject: { symbol: "CALM" }, observedAt: Date.now(), data: { price: 100 + (n % 7) } },
    ],
  });
}

function outboxSummary(rows: OutboxRow[], expected: Set<string>): BurstRun["outbox"] {
  return {
    rows: rows.length,
    // Delivered first time, attempts stays 0 (matcher sqlite-outbox.ts): > 0 means a notify failed and was retried.
    retried: rows.filter((r) => r.attempts > 0).length,
    rejected: rows.filter((r) => r.lastError?.startsWith("rejected")).length,
    unexpected: rows.filter((r) => !expected.has(r.matchId)).length,
    lastError: rows.find((r) => r.lastError)?.lastError ?? null,
  };
}
