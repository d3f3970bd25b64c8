/**
 * `npm run load:faults`: pushes a known fact sequence for a known set of monitors into the local
 * fabric while injecting faults, then checks the outcome against the reference evaluator.
 * Faults (switched on through a load-test configuration only, never a deployed Worker):
 *  - notify-trigger-match answers 500, then hangs for 30 s, then recovers (the loopback receiver);
 *  - the facts consumer throws on ~10 % of batches (redelivery);
 *  - a matcher shard aborts mid-batch on some batches (its transaction rolls back);
 *  - the projector fails on ~20 % of batches (redelivery);
 *  - the whole local runtime is SIGKILLed mid-load and restarted on its persisted state.
 * The producer pushes through the client library, retrying every push (same dedupeKeys) until it
 * gets a 202, as a real one would.
 * Ends with one JSON line {factsAccepted, factsApplied, matchesExpected, matchesDelivered,
 * duplicates, lost}; exits non-zero unless lost = duplicates = 0 and every accepted fact applied.
 * Env: ROUNDS (default 40), SYMBOLS (default 100).
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { FactInput } from "../shared/src/facts";
import { MonitorBodySchema, type MonitorDefinition } from "../shared/src/monitor";
import { devClient } from "./lib/fabric-client";
import { killGroupAndRemove, onInterrupt } from "./lib/interrupt-cleanup";
import { countKnob, readKnobs, refuseBase } from "./lib/knobs";
import { type Fabric, startFabric, stateRoot } from "./lib/local-fabric";
import { startReceiver } from "./lib/notify-receiver";
import { shardTotals } from "./lib/shard-totals";
import { expectedMatches, workload } from "./lib/workload";

// The fault switches reach only a fabric this run starts; against a running one it would prove nothing.
const { ROUNDS, SYMBOLS } = readKnobs(() => ({
  ...refuseBase("load:faults starts its own fabric with its fault switches on"),
  ROUNDS: countKnob("ROUNDS", 40),
  SYMBOLS: countKnob("SYMBOLS", 100),
}));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (msg: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${msg}`);

const receiver = await startReceiver();
const persistTo = join(stateRoot(), `fabric-faults-${process.pid}`);
// The runtime keeps this state across its restart (startFabric does not remove it): an interrupt must.
onInterrupt(() => killGroupAndRemove(undefined, persistTo));
const port = 19_500 + (process.pid % 400);
const faults = {
  matcher: { NOTIFY_URL: receiver.url, FAULTS: "consumer-throw,shard-abort" },
  projector: { FAULTS: "projector-fail" },
};
let fabric: Fabric = await startFabric({ port, persistTo, vars: faults });
// The producer and operator: the restarted runtime comes back on the same port, so one client serves.
const producer = devClient(fabric.base, { retry: { maxAttempts: 20, maxElapsedMs: 60_000, maxDelayMs: 2_000 } });

/** Retries until the fabric answers (it may be down mid-restart); a producer's at-least-once push. */
async function until<T>(what: string, attempt: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      const v = await attempt();
      if (v !== undefined) return v;
    } catch {}
    if (i % 20 === 19) log(`still retrying ${what}`);
    await sleep(250);
  }
}

async function stats(): Promise<{ applied: number; stale: number }> {
  const t = await until("stats", () => shardTotals(fabric.base));
  return { applied: t.factsApplied, stale: t.factsStale };
}

let exitCode = 1;
try {
  const w = workload({ symbols: SYMBOLS, seed: 7, prefix: "FT" });
  const defs: MonitorDefinition[] = [];
  for (const m of w.monitors) {
    const body = MonitorBodySchema.parse(m.body);
    const { version } = await until(`PUT ${m.id}`, () => producer.monitors.put(m.id, body));
    defs.push({ ...body, monitorId: m.id, version });
  }
  log(`registered ${defs.length} monitors`);

  const accepted: { fact: FactInput; eventId: string }[] = [];
  const t0 = Date.UTC(2026, 0, 1);
  let hangSince = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const mode =
      round === Math.floor(ROUNDS * 0.2)
        ? "fail500"
        : round === Math.floor(ROUNDS * 0.35)
          ? "hang"
          : round === Math.floor(ROUNDS * 0.5)
            ? "ok"
            : undefined;
    if (mode) {
      // The hang lasts 30 s of wall time (pushes go on meanwhile), then notify recovers.
      if (mode === "ok" && hangSince) await sleep(Math.max(0, 30_000 - (Date.now() - hangSince)));
      if (mode === "hang") hangSince = Date.now();
      receiver.mode = mode;
      log(mode === "fail500" ? "notify answers 500" : mode === "hang" ? "notify hangs for 30 s" : "notify recovered");
    }
    const facts = w
      .nextBatch(SYMBOLS, t0 + round * 60_000)
      .map((f, i) => ({ ...f, dedupeKey: `r${round}:${i}` }) as FactInput);
    if (round === Math.floor(ROUNDS * 0.6)) {
      // Kill the runtime while this round's push is in flight; the producer's retries carry it over the restart.
      // One attempt, no retry: this push dies with the runtime (the producer's push below repeats it).
      const pushing = devClient(fabric.base, { retry: { maxAttempts: 1 } })
        .facts.push(facts)
        .catch(() => undefined);
      await sleep(5);
      log("SIGKILL the local runtime");
      fabric.kill();
      await pushing;
      await sleep(1000);
      fabric = await startFabric({ port, persistTo, vars: faults });
      log("restarted on its persisted state");
    }
    // The client retries refused connections and 503s with backoff; `until` goes on past its budget
    // (a restart takes longer). The dedupeKeys make every repeat a duplicate, not a second fact.
    const { eventIds } = await until(`push round ${round}`, () => producer.facts.push(facts));
    eventIds.forEach((eventId, i) => {
      accepted.push({ fact: facts[i] as FactInput, eventId });
    });
    // Each round is applied before the next is pushed, so every stream keeps its order through
    // the redeliveries and the reference evaluator's order is the fabric's.
    const want = accepted.length;
    const deadline = Date.now() + 120_000;
    for (;;) {
      const s = await stats();
      if (s.applied + s.stale >= want || Date.now() > deadline) break;
      await sleep(100);
    }
  }

  const expected = new Set(expectedMatches(defs, accepted).map((m) => m.matchId));
  log(`pushed ${accepted.length} facts; waiting for ${expected.size} matches to be delivered`);
  const deadline = Date.now() + 240_000;
  const acked = () => new Set(receiver.receipts.filter((r) => r.acked).map((r) => r.matchId));
  while (Date.now() < deadline && [...expected].some((id) => !acked().has(id))) await sleep(500);

  const s = await stats();
  const got = acked();
  const ackCount = receiver.receipts.filter((r) => r.acked).length;
  const uniqueEventIds = new Set(accepted.map((a) => a.eventId)).size;
  const result = {
    factsAccepted: uniqueEventIds,
    factsApplied: s.applied + s.stale,
    factsStale: s.stale,
    matchesExpected: expected.size,
    matchesDelivered: [...got].filter((id) => expected.has(id)).length,
    // A match the reference does not produce (a second distinct match for one fact, or a spurious one).
    duplicates: [...got].filter((id) => !expected.has(id)).length,
    lost: [...expected].filter((id) => !got.has(id)).length,
    // At-least-once: deliveries of an already acknowledged matchId, which notify-trigger-match drops by id.
    redeliveriesDropped: ackCount - got.size,
    notifyAttemptsRefused: receiver.receipts.filter((r) => !r.acked).length,
  };
  const pass =
    result.lost === 0 &&
    result.duplicates === 0 &&
    result.factsApplied === result.factsAccepted &&
    result.factsStale === 0;
  mkdirSync("load-tests/results", { recursive: true });
  writeFileSync(
    "load-tests/results/faults.json",
    `${JSON.stringify({ ...result, pass, measuredAt: new Date().toISOString() }, null, 2)}\n`,
  );
  console.log(pass ? "PASS: nothing lost, nothing doubled, every accepted fact applied" : "FAIL");
  console.log(JSON.stringify(result));
  exitCode = pass ? 0 : 1;
} finally {
  await fabric.stop();
  await receiver.close();
  rmSync(persistTo, { recursive: true, force: true });
}
process.exit(exitCode);
