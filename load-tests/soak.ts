/**
 * `npm run soak`: what grows without bound over a long run. Starts the whole fabric (fresh state
 * in /dev/shm), registers MONITORS monitors and keeps them churning (every CHURN_S seconds one is
 * updated, one removed and one created under a new id), pushes RATE facts/s with a dedupeKey each
 * over SYMBOLS steady symbols plus short-lived ones (5 %), retries one push in 20 as a producer
 * would, runs the cron's scans every minute (locally crons never fire), keeps two live match
 * streams that reconnect each minute and explains a monitor every 10 s. The retention settings
 * are shortened to RETENTION_S (fact log, outbox, dedupe keys, match history; the match feed keeps
 * FEED_RETAIN matches) so that a 15-minute run shows whether each pruning actually runs.
 * Every minute it counts the rows of every table of every SQLite file the runtime keeps
 * (lib/soak-sizes.ts) and workerd's memory; at the end it prints each store's size at start and
 * end, its growth per 1,000 facts over the run and over the last half: a store whose last-half
 * growth is not near zero grows with traffic. Env: MINUTES (15), MONITORS (500), RATE (200),
 * SYMBOLS (300), WORKFLOWS (40), CHURN_S (3), RETENTION_S (120), FEED_RETAIN (2000).
 * Not part of `npm test`.
 */
import type { FactInput } from "../shared/src/facts";
import { reportBench } from "./lib/bench-output";
import { DEV_ADMIN_TOKEN, devClient } from "./lib/fabric-client";
import { countKnob, numberKnob, readKnobs, refuseBase } from "./lib/knobs";
import { startFabric } from "./lib/local-fabric";
import { type Sizes, sampleStores, workerdRssKiB } from "./lib/soak-sizes";
import { soakWorkload } from "./lib/soak-workload";

const K = readKnobs(() => ({
  ...refuseBase("soak starts its own fabric with short retention settings and reads its state files"),
  MINUTES: numberKnob("MINUTES", 15),
  MONITORS: countKnob("MONITORS", 500),
  RATE: countKnob("RATE", 200),
  SYMBOLS: countKnob("SYMBOLS", 300),
  WORKFLOWS: countKnob("WORKFLOWS", 40),
  CHURN_S: numberKnob("CHURN_S", 3),
  RETENTION_S: countKnob("RETENTION_S", 120),
  FEED_RETAIN: countKnob("FEED_RETAIN", 2000, { min: 100 }),
}));
const BATCH = 50;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const retentionMs = String(K.RETENTION_S * 1000);
const fabric = await startFabric({
  vars: {
    matcher: { FACT_LOG_RETENTION_MS: retentionMs },
    ingest: { DEDUPE_TTL_MS: retentionMs },
    "monitor-runtime": {
      MATCH_FEED_RETAIN: String(K.FEED_RETAIN),
      MATCH_HISTORY_RETENTION_DAYS: String(K.RETENTION_S / 86_400),
    },
  },
});
const admin = devClient(fabric.base);
const producer = devClient(fabric.base);
const w = soakWorkload({ symbols: K.SYMBOLS, workflows: K.WORKFLOWS, seed: 7, runId: Date.now().toString(36) });
const live: string[] = [];
let nextId = 0;
const counts = {
  facts: 0,
  duplicates: 0,
  pushFailures: 0,
  created: 0,
  updated: 0,
  removed: 0,
  explains: 0,
  streamed: 0,
};
const errors = new Map<string, number>();
const failed = (what: string) => (e: unknown) => {
  const key = `${what}: ${String(e).slice(0, 120)}`;
  errors.set(key, (errors.get(key) ?? 0) + 1);
};

async function create(): Promise<void> {
  const id = `soak-${nextId++}`;
  await admin.monitors.put(id, w.monitorBody(Date.now()));
  live.push(id);
  counts.created++;
}
const pick = () => live[Math.floor(Math.random() * live.length)];

async function churn(): Promise<void> {
  const updated = pick();
  if (updated)
    await admin.monitors.put(updated, w.monitorBody(Date.now())).then(() => counts.updated++, failed("update"));
  const removed = live.splice(Math.floor(Math.random() * live.length), 1)[0];
  if (removed) await admin.monitors.delete(removed).then(() => counts.removed++, failed("remove"));
  await create().catch(failed("create"));
}

async function push(facts: FactInput[]): Promise<void> {
  const res = await producer.facts.push(facts);
  counts.facts += res.eventIds.length - res.duplicates;
  counts.duplicates += res.duplicates;
}

/** Two live match streams, each replaced by a new connection every minute (connection bookkeeping). */
function streamFor(ms: number): Promise<void> {
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), ms);
  return (async () => {
    try {
      for await (const _ of admin.matchStream({ signal: stop.signal, idleTimeoutMs: 0 })) counts.streamed++;
    } catch (e) {
      if (!stop.signal.aborted) failed("match stream")(e);
    } finally {
      clearTimeout(timer);
    }
  })();
}

async function dueScan(minute: number): Promise<void> {
  const res = await fetch(`${fabric.base}/v1/admin/control-plane/workflow-monitors/due-scan`, {
    method: "POST",
    headers: { authorization: `Bearer ${DEV_ADMIN_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ requestId: `soak-cron-${minute}` }),
  });
  if (!res.ok) failed("due scan")(`${res.status} ${await res.text()}`);
}

type Sample = { minute: number; facts: number; rssKiB: number; sizes: Sizes };
const samples: Sample[] = [];
function sample(minute: number): Sample {
  const s = {
    minute,
    facts: counts.facts,
    rssKiB: workerdRssKiB(fabric.process?.pid),
    sizes: sampleStores(fabric.persistTo ?? ""),
  };
  samples.push(s);
  const pick = (k: string) => s.sizes[k] ?? 0;
  console.log(
    `min ${minute.toFixed(1)}: facts ${s.facts}, workerd ${Math.round(s.rssKiB / 1024)} MiB, shard facts ${pick("matcher-MatcherShard.facts")}, ` +
      `event_log ${pick("D1.event_log")}, trigger_matches ${pick("D1.trigger_matches")}, dedupe ${pick("ingest-DedupeLedger.ledger")}, ` +
      `live monitors ${live.length}`,
  );
  return s;
}

try {
  const t0 = Date.now();
  for (let i = 0; i < K.MONITORS; i += 16) {
    await Promise.all(Array.from({ length: Math.min(16, K.MONITORS - i) }, () => create().catch(failed("create"))));
  }
  console.log(
    `registered ${live.length} monitors in ${((Date.now() - t0) / 1000).toFixed(1)} s; soaking ${K.MINUTES} min`,
  );
  const start = Date.now();
  const end = start + K.MINUTES * 60_000;
  sample(0);
  const streams = [streamFor(60_000), streamFor(60_000)];
  let nextChurn = start;
  let nextMinute = start + 60_000;
  let nextExplain = start + 10_000;
  let batches = 0;
  const interval = (1000 * BATCH) / K.RATE;
  while (Date.now() < end) {
    const due = start + batches * interval;
    if (due > Date.now()) await sleep(due - Date.now());
    const facts = w.nextBatch(BATCH, Date.now());
    await push(facts).catch(failed("push"));
    if (batches % 20 === 19) await push(facts).catch(failed("retried push"));
    batches++;
    const now = Date.now();
    if (now >= nextChurn) {
      nextChurn = now + K.CHURN_S * 1000;
      await churn();
    }
    if (now >= nextExplain) {
      nextExplain = now + 10_000;
      const id = pick();
      if (id) await admin.explain(id).then(() => counts.explains++, failed("explain"));
    }
    if (now >= nextMinute) {
      nextMinute += 60_000;
      const minute = Math.round((now - start) / 60_000);
      await dueScan(minute);
      streams.push(streamFor(60_000), streamFor(60_000));
      sample((Date.now() - start) / 60_000);
    }
  }
  await sleep(15_000); // let queues, outboxes and the projector drain
  await dueScan(-1);
  const last = sample((Date.now() - start) / 60_000);
  await Promise.allSettled(streams);
  report(samples[0] ?? last, last);
} finally {
  await fabric.stop();
}

function report(first: Sample, last: Sample): void {
  const mid = samples[Math.floor((samples.length - 1) / 2)] ?? first;
  const per1k = (a: Sample, b: Sample, k: string) =>
    b.facts === a.facts ? 0 : (1000 * ((b.sizes[k] ?? 0) - (a.sizes[k] ?? 0))) / (b.facts - a.facts);
  const keys = [...new Set([...Object.keys(first.sizes), ...Object.keys(last.sizes)])].sort();
  const rows = keys
    .filter((k) => (first.sizes[k] ?? 0) !== 0 || (last.sizes[k] ?? 0) !== 0)
    .map((k) => ({
      metric: k,
      value: last.sizes[k] ?? 0,
      baseline: first.sizes[k] ?? 0,
      target: `+${per1k(first, last, k).toPrecision(3)} /1k facts, last half +${per1k(mid, last, k).toPrecision(3)}`,
    }));
  rows.push({ metric: "workerd RSS (KiB)", value: last.rssKiB, baseline: first.rssKiB, target: "" });
  for (const [what, n] of errors) console.error(`${n}× ${what}`);
  reportBench("soak", {
    title: `${K.MINUTES} min, ${K.MONITORS} churning monitors, ${K.RATE} facts/s; value = end, baseline = start`,
    rows,
    summary: { ...counts, errors: Object.fromEntries(errors), samples },
  });
}
