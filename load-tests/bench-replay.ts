/**
 * `npm run bench:replay` (tsx, Node 22): projection rebuild throughput from event_log.
 *
 * 1. Generates a log of EVENTS (default 1,000,000) domain events over 10,000 monitors in a SQLite
 *    file (node:sqlite), through the live projector path (applyEvents, batches of 100 as the
 *    queue delivers them): that figure is reported too.
 * 2. Rebuilds every projection from that log with the code the rebuild Workflow runs (createShadow,
 *    rebuildChunk × n, catchUpAndSwap; same SQL, node:sqlite as the executor) and measures events/s.
 * 3. The raw limit: the same event_log rows, read back and inserted straight into a fresh
 *    event_log with better-sqlite3 prepared statements in one transaction (node:sqlite if
 *    better-sqlite3 does not load; the output says which).
 * Env: EVENTS, CHUNK (rows per rebuild chunk, default 2000 as REBUILD_CHUNK), KEEP=1 keeps the files.
 */

import { readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { startRebuildStatement } from "../projector/src/rebuild/shadow";
import {
  catchUpAndSwap,
  createShadow,
  finishShadow,
  type RebuildCursor,
  rebuildChunk,
} from "../projector/src/rebuild/steps";
import type { DomainEvent } from "../shared/src/events";
import { matchIdOf, newId } from "../shared/src/ids";
import { applyEvents } from "../shared/src/projections/apply";
import { LIVE } from "../shared/src/projections/sql";
import { sqliteExecutor } from "../shared/src/projections/sqlite-executor";
import { type BenchRow, reportBench } from "./lib/bench-output";
import { rng } from "./lib/rng";

const EVENTS = Number(process.env.EVENTS ?? 1_000_000);
const CHUNK = Number(process.env.CHUNK ?? 2000);
const MONITORS = 10_000;
const LIVE_BATCH = 100;
const T0 = 1_790_000_000_000;
const MIGRATION = readFileSync(join(import.meta.dirname, "../migrations/0001_event_log_and_projections.sql"), "utf8");
const dir = tmpdir();
const logPath = join(dir, `bench-replay-${process.pid}.sqlite`);
const rawPath = join(dir, `bench-replay-raw-${process.pid}.sqlite`);
const livePath = join(dir, `bench-replay-live-${process.pid}.sqlite`);

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/** A valid, sortable ULID from a time and a counter (ulid's own draws crypto randomness per id: too slow for 1M). */
function ulidAt(time: number, n: number): string {
  let s = "";
  let t = time;
  for (let i = 0; i < 10; i++, t = Math.floor(t / 32)) s = CROCKFORD[t % 32] + s;
  let c = n;
  let tail = "";
  for (let i = 0; i < 16; i++, c = Math.floor(c / 32)) tail = CROCKFORD[c % 32] + tail;
  return s + tail;
}

function open(path: string): DatabaseSync {
  const db = new DatabaseSync(path);
  // The same settings for every database here (WAL, fsync at checkpoints only).
  db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -262144;");
  return db;
}

/** The workload, seeded: 10k registrations, then ~62% matches, ~34% ticks, refs, completions, updates. */
function* workload(total: number): Generator<DomainEvent> {
  const random = rng(42);
  const version = new Array<number>(MONITORS).fill(1);
  const refs: string[] = [];
  let clock = T0;
  const monitorDef = (i: number, v: number) => ({
    workflowId: `wf_${i}`,
    ownerUserId: `u_${i % 2000}`,
    linkedPortfolioIds: [`pf_${i % 3000}`],
    predicate: {
      stream: { kind: "market_price" as const, subject: { symbol: `SYM-${i % 1000}` } },
      field: "price",
      op: "crosses_above" as const,
      value: 100 + (i % 97) + v,
    },
    fire: { mode: "edge" as const, cooldownMs: 0, once: false },
    enabled: true,
    ...(i % 4 === 0 ? { checkIntervalMs: 300_000 } : {}),
    monitorId: `m${i}`,
    version: v,
  });
  for (let n = 0; n < total; n++) {
    clock += 1 + Math.floor(random() * 3);
    const eventId = ulidAt(clock, n);
    const i = n < MONITORS ? n : Math.floor(random() * MONITORS);
    const m = `m${i}`;
    const wf = `wf_${i}`;
    const r = random();
    if (n < MONITORS || r < 0.005) {
      const v = n < MONITORS ? 1 : (version[i] ?? 1) + 1;
      version[i] = v;
      yield {
        eventId,
        type: n < MONITORS ? "monitor_registered" : "monitor_updated",
        schemaVersion: 1,
        aggregateType: "monitor",
        aggregateId: m,
        aggregateVersion: v,
        occurredAt: clock,
        data: monitorDef(i, v),
      } as DomainEvent;
    } else if (r < 0.625) {
      const causeId = ulidAt(clock - 5, n + 2 ** 40);
      const v = version[i] ?? 1;
      yield {
        eventId,
        type: "trigger_matched",
        schemaVersion: 2,
        aggregateType: "monitor",
        aggregateId: m,
        aggregateVersion: v,
        occurredAt: clock,
        data: {
          matchId: matchIdOf(m, v, causeId),
          monitorId: m,
          monitorVersion: v,
          eventId: causeId,
          observedAt: clock - 5,
          streamKey: `market_price:SYM-${i % 1000}`,
          workflowId: wf,
          ownerUserId: `u_${i % 2000}`,
          portfolioId: `pf_${i % 3000}`,
          triggerEvent: {
            kind: "market_price",
            subject: { symbol: `SYM-${i % 1000}` },
            observedAt: clock - 5,
            data: { price: 100 + random() * 10 },
            eventId: causeId,
          },
        },
      };
    } else if (r < 0.965) {
      const withRef = random() < 0.1;
      const op = `op_${n}`;
      if (withRef) refs.push(`operationId:${op}`);
      yield {
        eventId,
        type: "tick_executed",
        schemaVersion: 1,
        aggregateType: "workflow",
        aggregateId: wf,
        aggregateVersion: n,
        occurredAt: clock,
        data: {
          workflowId: wf,
          monitorId: m,
          reason: random() < 0.7 ? "trigger_match" : "schedule",
          tickId: `tick_${n}`,
          tickedAt: clock,
          nextDueAt: clock + 300_000,
          ...(withRef ? { executionRefs: [{ operationId: op, runId: `run_${n}` }] } : {}),
        },
      };
    } else if (r < 0.985 || refs.length === 0) {
      const op = `op_${n}`;
      refs.push(`operationId:${op}`);
      yield {
        eventId,
        type: "execution_ref_recorded",
        schemaVersion: 1,
        aggregateType: "workflow",
        aggregateId: wf,
        aggregateVersion: n,
        occurredAt: clock,
        data: { workflowId: wf, portfolioId: `pf_${i % 3000}`, operationId: op, executionRequestId: `req_${n}` },
      };
    } else {
      const refKey = refs[Math.floor(random() * refs.length)] ?? "operationId:none";
      yield {
        eventId,
        type: "execution_completed",
        schemaVersion: 1,
        aggregateType: "workflow",
        aggregateId: wf,
        aggregateVersion: n,
        occurredAt: clock,
        data: { workflowId: wf, refKey, status: random() < 0.9 ? "succeeded" : "failed" },
      };
    }
  }
}

const seconds = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e9;
const count = (db: DatabaseSync, table: string) =>
  (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;

const TABLES = ["monitors", "monitor_state", "trigger_matches", "workflow_execution_refs"];
const LOG_INSERT =
  "INSERT INTO event_log (event_id, type, aggregate_type, aggregate_id, aggregate_version, occurred_at, schema_version, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

/** Row counts the rebuild must produce, tallied while generating. */
function expectedCounts(events: Iterable<DomainEvent>): Record<string, number> {
  const counts = { monitors: 0, monitor_state: 0, trigger_matches: 0, workflow_execution_refs: 0 };
  for (const e of events) {
    if (e.type === "monitor_registered") {
      counts.monitors++;
      counts.monitor_state++;
    } else if (e.type === "trigger_matched") counts.trigger_matches++;
    else if (e.type === "tick_executed") counts.workflow_execution_refs += 2 * (e.data.executionRefs?.length ?? 0);
    else if (e.type === "execution_ref_recorded") counts.workflow_execution_refs += 2;
  }
  return counts;
}

async function main() {
  for (const p of [logPath, rawPath]) for (const s of ["", "-wal", "-shm"]) rmSync(p + s, { force: true });
  const expected = { monitors: 0, monitor_state: 0, trigger_matches: 0, workflow_execution_refs: 0 } as Record<
    string,
    number
  >;

  // 1. The log: EVENTS rows written straight into event_log (setup, not measured).
  let started = process.hrtime.bigint();
  const logDb = open(logPath);
  logDb.exec(MIGRATION);
  const append = logDb.prepare(LOG_INSERT);
  let pending = 0;
  logDb.exec("BEGIN");
  for (const e of workload(EVENTS)) {
    append.run(
      e.eventId,
      e.type,
      e.aggregateType,
      e.aggregateId,
      e.aggregateVersion,
      e.occurredAt,
      e.schemaVersion,
      JSON.stringify(e),
    );
    for (const [k, v] of Object.entries(expectedCounts([e]))) expected[k] = (expected[k] ?? 0) + v;
    if (++pending === 20_000) {
      logDb.exec("COMMIT; BEGIN");
      pending = 0;
    }
  }
  logDb.exec("COMMIT");
  const logged = count(logDb, "event_log");
  console.error(`log: ${logged} events written in ${seconds(started).toFixed(1)} s`);

  // 1b. The live projector path on the first LIVE_EVENTS events (batches of 100, as Queue "events" delivers).
  const liveEvents = Math.min(EVENTS, Number(process.env.LIVE_EVENTS ?? 50_000));
  const liveDb = open(livePath);
  liveDb.exec(MIGRATION);
  const liveExecutor = sqliteExecutor(liveDb);
  const sample = [...workload(liveEvents)];
  started = process.hrtime.bigint();
  for (let i = 0; i < sample.length; i += LIVE_BATCH) {
    await applyEvents(liveExecutor, sample.slice(i, i + LIVE_BATCH), LIVE, T0);
  }
  const liveSeconds = seconds(started);
  liveDb.close();
  const live = sqliteExecutor(logDb);

  // 2. The rebuild, step by step as the Workflow runs it.
  const rebuildId = newId();
  await live.batch([startRebuildStatement(rebuildId, ["all"], Date.now())]);
  started = process.hrtime.bigint();
  await createShadow(live, rebuildId);
  let cursor: RebuildCursor = { lastSeq: 0, eventsApplied: 0, done: false };
  let chunks = 0;
  while (!cursor.done) {
    cursor = await rebuildChunk(live, rebuildId, cursor, CHUNK, { bulk: true });
    chunks++;
  }
  const indexStarted = process.hrtime.bigint();
  await finishShadow(live, rebuildId);
  const indexSeconds = seconds(indexStarted);
  const swapStarted = process.hrtime.bigint();
  const swapped = await catchUpAndSwap(live, rebuildId, cursor, CHUNK);
  const swapSeconds = seconds(swapStarted);
  const rebuildSeconds = seconds(started);
  const rebuiltCounts = TABLES.map((t) => count(logDb, t));
  const expectedList = TABLES.map((t) => expected[t] ?? 0);
  if (rebuiltCounts.join() !== expectedList.join()) {
    throw new Error(`rebuilt row counts ${rebuiltCounts} differ from the workload's ${expectedList}`);
  }
  console.error(`rebuild: ${swapped.eventsApplied} events in ${rebuildSeconds.toFixed(1)} s (${chunks} chunks)`);

  // 3. The raw limit: the same rows, read back chunk by chunk (read time not counted) and inserted
  // straight into a fresh event_log (same schema and indexes) in one transaction.
  type RawDb = {
    exec(sql: string): unknown;
    prepare(sql: string): { run(...a: (string | number)[]): unknown };
    close(): void;
  };
  let baseline = "better-sqlite3";
  let raw: RawDb;
  try {
    const Better = createRequire(import.meta.url)("better-sqlite3") as new (path: string) => RawDb;
    raw = new Better(rawPath);
    raw.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -262144;");
  } catch (error) {
    baseline = `node:sqlite (better-sqlite3 did not load: ${String(error).split("\n")[0]?.slice(0, 100)})`;
    raw = open(rawPath);
  }
  raw.exec(MIGRATION);
  const insert = raw.prepare(LOG_INSERT);
  const read = logDb.prepare(
    "SELECT seq, event_id, type, aggregate_type, aggregate_id, aggregate_version, occurred_at, schema_version, body FROM event_log WHERE seq > ? ORDER BY seq LIMIT ?",
  );
  let rawNs = 0n;
  let after = 0;
  raw.exec("BEGIN");
  for (;;) {
    const rows = read.all(after, CHUNK) as Record<string, string | number>[];
    if (rows.length === 0) break;
    const t = process.hrtime.bigint();
    for (const r of rows) {
      insert.run(
        r.event_id ?? "",
        r.type ?? "",
        r.aggregate_type ?? "",
        r.aggregate_id ?? "",
        r.aggregate_version ?? 0,
        r.occurred_at ?? 0,
        r.schema_version ?? 1,
        r.body ?? "",
      );
    }
    rawNs += process.hrtime.bigint() - t;
    after = Number(rows.at(-1)?.seq);
  }
  const t = process.hrtime.bigint();
  raw.exec("COMMIT");
  rawNs += process.hrtime.bigint() - t;
  const rawSeconds = Number(rawNs) / 1e9;
  raw.close();
  logDb.close();
  if (process.env.KEEP !== "1") {
    for (const p of [logPath, rawPath, livePath]) for (const s of ["", "-wal", "-shm"]) rmSync(p + s, { force: true });
  }

  const rebuildRate = Math.round(logged / rebuildSeconds);
  const rawRate = Math.round(logged / rawSeconds);
  const liveRate = Math.round(liveEvents / liveSeconds);
  const ratio = rebuildRate / rawRate;
  const rows_: BenchRow[] = [
    {
      metric: "rebuild events/s (shadow + chunks + swap)",
      value: rebuildRate,
      baseline: rawRate,
      target: ">= 1/3 of raw",
      ratio,
    },
    { metric: `raw insert rows/s (${baseline.split(" ")[0]})`, value: rawRate },
    {
      metric: `live projection events/s (first ${liveEvents}, batches of 100)`,
      value: liveRate,
      baseline: rawRate,
      ratio: liveRate / rawRate,
    },
    { metric: "rebuild seconds", value: Number(rebuildSeconds.toFixed(2)) },
    { metric: "finish seconds (read indexes + derived match counters)", value: Number(indexSeconds.toFixed(3)) },
    { metric: "swap seconds (catch-up + renames)", value: Number(swapSeconds.toFixed(3)) },
  ];
  reportBench("replay", {
    title: `rebuild of ${logged.toLocaleString("en-US")} events over ${MONITORS.toLocaleString("en-US")} monitors, chunks of ${CHUNK}`,
    rows: rows_,
    summary: {
      events: logged,
      chunk: CHUNK,
      chunks,
      rebuildEventsPerSec: rebuildRate,
      rawEventsPerSec: rawRate,
      liveEventsPerSec: liveRate,
      ratio: Number(ratio.toFixed(3)),
      target: 1 / 3,
      pass: ratio >= 1 / 3,
      rawBaseline: baseline,
      rebuildSeconds: Number(rebuildSeconds.toFixed(2)),
      swapSeconds: Number(swapSeconds.toFixed(3)),
      rowCounts: Object.fromEntries(TABLES.map((t, i) => [t, rebuiltCounts[i]])),
    },
  });
}

await main();
