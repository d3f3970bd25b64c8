import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { FabricClient } from "../client/src/index";
import { startDevFabric } from "../test-fixtures/dev-fabric";

/**
 * Replaying an outage's dead letters one id at a time, as `fabric dlq replay <queue> --all` does:
 * seeds N events dead letters (each a valid event, as after a D1 outage) into the local D1 of a
 * fresh `npm run dev` fabric, then times the client's replayAll (list walk + N POST …/replay) at
 * each concurrency. The projector applies each replayed event meanwhile, on the same machine.
 *
 * Writes load-tests/results/dlq-replay.json.
 *
 * @example N=2000 CONCURRENCY=1,8,16 npm run bench:dlq
 */
const N = Number(process.env.N ?? 2000);
const CONCURRENCY = (process.env.CONCURRENCY ?? "1,8,16").split(",").map(Number);

/** Run `run`'s N dead letters: eventIds are ULIDs 01JDQ + the run's letter + 20 digits. */
function seed(stateDir: string, run: string, n: number): void {
  const event = `'{"v":1,"events":[{"eventId":"' || printf('01JDQ${run}%020d', i) || '","type":"execution_ref_recorded","schemaVersion":1,"aggregateType":"workflow","aggregateId":"wf-bench","aggregateVersion":0,"occurredAt":1795341600000,"data":{"workflowId":"wf-bench","portfolioId":null,"operationId":"op-${run}-' || i || '"}}]}'`;
  const sql = `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${n}) INSERT INTO dead_letters (id, source_queue, reason, attempts, body, failed_at) SELECT 'bench-${run}-' || i, 'events', 'D1 unavailable after 5 retries', 6, ${event}, 1795341600000 + i FROM n`;
  const args = ["wrangler", "d1", "execute", "DB", "--local", "--persist-to", stateDir];
  const r = spawnSync("npx", [...args, "-c", "monitor-runtime/wrangler.jsonc", "--command", sql], {
    encoding: "utf8",
    env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" },
  });
  if (r.status !== 0) throw new Error(`seeding failed: ${r.stderr}`);
}

const fabric = await startDevFabric();
const runs: { concurrency: number; replayed: number; seconds: number; perSecond: number; listSeconds: number }[] = [];
try {
  const client = new FabricClient({ baseUrl: fabric.base, token: "dev-admin-token" });
  console.log(`dead-letter replay, one id at a time: N=${N} per run, local npm run dev (${fabric.base})`);
  for (const [k, concurrency] of CONCURRENCY.entries()) {
    if (!fabric.stateDir) throw new Error("needs the fabric's state folder");
    // Earlier runs' rows are replayed (skipped); each run replays its own N fresh ones.
    seed(fabric.stateDir, "ABCDEFGH"[k] ?? "Z", N);
    const t0 = performance.now();
    let listedAt = 0;
    const summary = await client.deadLetters.replayAll("events", {
      concurrency,
      onProgress: (p) => {
        if (p.done === 0) listedAt = performance.now();
      },
    });
    const s = (performance.now() - t0) / 1000;
    const walk = (listedAt - t0) / 1000;
    const perSecond = Math.round(summary.replayed / (s - walk));
    runs.push({ concurrency, replayed: summary.replayed, seconds: s, perSecond, listSeconds: walk });
    console.log(
      `  concurrency ${String(concurrency).padStart(2)}: ${summary.replayed} replayed in ${s.toFixed(1)} s ` +
        `(${perSecond}/s; list walk of ${summary.listed} rows ${walk.toFixed(2)} s), ` +
        `failed ${summary.failed.length}, gone ${summary.gone.length}`,
    );
  }
  mkdirSync("load-tests/results", { recursive: true });
  writeFileSync(
    "load-tests/results/dlq-replay.json",
    `${JSON.stringify({ bench: "dlq-replay", n: N, runs }, null, 2)}\n`,
  );
} finally {
  await fabric.stop();
}
