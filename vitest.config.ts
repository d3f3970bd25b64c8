import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { copyDocsAssets } from "./scripts/docs-assets.mjs";
import { auxWorker, TEST_ADMIN_TOKEN } from "./test-fixtures/aux-workers.ts";
import { fabricProject } from "./test-fixtures/fabric-project.ts";

// Two kinds of project in one run (TOOLCHAIN.md): pure logic in Node, each Worker inside workerd.

// ingest/wrangler.jsonc names a static assets folder (the /docs viewer) that must exist first.
copyDocsAssets();
const DEV_PRODUCERS = JSON.stringify([
  { token: "dev-producer-token", producerId: "dev-producer", kinds: ["*"] },
  { token: "dev-market-token", producerId: "dev-market", kinds: ["market_price", "market_candles"] },
  { token: "dev-signed-token", producerId: "dev-signed", kinds: ["*"], signingSecret: "dev-signing-secret" },
]);

/** For the ingest project only: the other Workers answer /healthz; their own projects test them for real. */
function healthyStandIn(name: string) {
  return {
    name,
    modules: true,
    script: `export default { fetch(r) { return new URL(r.url).pathname === "/healthz" ? Response.json({ status: "ok" }) : new Response(JSON.stringify({ paths: {} }), { status: 404 }); } }`,
    compatibilityDate: "2026-08-01",
  };
}

/** A notify-trigger-match receiver that records deliveries (the matcher's MONITOR_RUNTIME service). */
function notifySink() {
  return {
    name: "fabric-monitor-runtime",
    modules: true,
    scriptPath: "./test-fixtures/notify-sink.js",
    compatibilityDate: "2026-08-01",
    durableObjects: { LOG: "NotifyLog" },
  };
}

/** The ingest Worker's FactJournal class, for projects that run the matcher without ingest. */
function journalStandIn() {
  return {
    name: "fabric-ingest",
    modules: true,
    scriptPath: "./test-fixtures/journal-stand-in.js",
    compatibilityDate: "2026-08-01",
    durableObjects: { JOURNAL: "FactJournal" },
  };
}

/** The monitor runtime as the Worker under test, with extra bindings and test options. */
function runtimeProject(
  name: string,
  include: string,
  bindings: Record<string, string>,
  test: { fileParallelism?: boolean; testTimeout?: number },
) {
  return {
    plugins: [
      cloudflareTest(async () => ({
        wrangler: { configPath: "./monitor-runtime/wrangler.jsonc" },
        miniflare: {
          bindings: {
            ADMIN_AUTH_SECRET_TOKEN: TEST_ADMIN_TOKEN,
            TEST_MIGRATIONS: await readD1Migrations("./migrations"),
            ...bindings,
          },
          // The matcher binds a service named fabric-monitor-runtime; the Worker under test has
          // the pool's own name, so a stand-in takes that name (these tests never match).
          workers: [
            auxWorker("matcher", { SHARD_COUNT: "8" }),
            healthyStandIn("fabric-monitor-runtime"),
            journalStandIn(),
          ],
        },
      })),
    ],
    test: {
      name,
      include: [include],
      setupFiles: ["./test-fixtures/apply-migrations.ts"],
      testTimeout: 60_000,
      ...test,
    },
  };
}

export default defineConfig({
  test: {
    projects: [
      fabricProject("fabric", ["test-e2e/**/*.test.ts"], DEV_PRODUCERS),
      {
        // README.md's walkthrough, the OpenAPI document and the client library against `npm run dev`
        // itself (one real local fabric on a free port, started by the project's globalSetup).
        test: {
          name: "readme",
          environment: "node",
          include: [
            "docs-test/**/*.test.ts",
            "client/test/integration/**/*.test.ts",
            "cli/test/integration/**/*.test.ts",
          ],
          globalSetup: ["./test-fixtures/dev-fabric-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 100_000,
        },
      },
      {
        // A real Chromium (from npm) against `npm run dev` itself: UI pages as a person sees them.
        test: {
          name: "browser",
          environment: "node",
          include: ["test-browser/**/*.test.ts"],
          testTimeout: 60_000,
          hookTimeout: 100_000,
        },
      },
      {
        plugins: [
          cloudflareTest(async () => ({
            wrangler: { configPath: "./matcher/wrangler.jsonc" },
            miniflare: {
              bindings: {
                ADMIN_AUTH_SECRET_TOKEN: "dev-admin-token",
                SHARD_COUNT: "4",
                // Small, so these tests cross checkpoints and restarts replay a few facts.
                CHECKPOINT_FACTS: "5",
                TEST_MIGRATIONS: await readD1Migrations("./migrations"),
              },
              workers: [journalStandIn(), notifySink()],
            },
          })),
        ],
        test: {
          name: "matcher",
          include: ["matcher/test/workerd/**/*.test.ts"],
          setupFiles: ["./test-fixtures/apply-migrations.ts"],
          testTimeout: 60_000,
        },
      },
      // The monitor runtime under test; the matcher runs beside it (its SHARDS/ROUTES classes).
      // Match and tick history retention are off by default; on here, so the cron's pruning runs under test.
      runtimeProject(
        "monitor-runtime",
        "monitor-runtime/test/workerd/**/*.test.ts",
        { MATCH_HISTORY_RETENTION_DAYS: "90", TICK_HISTORY_RETENTION_DAYS: "90" },
        { fileParallelism: false },
      ),
      // The monitor runtime under limits: a simulated Workflows creation limit (the local runtime
      // has none), so the wakes consumer paced above it meets real 429s in its path, and a match
      // feed that keeps only its newest 200 matches (two notify rounds), so a slow stream can fall behind it.
      // The limit is low (3/s) so that even a busy 2-core machine, which creates ~5–10 instances a
      // second here, goes over it: at 10/s a loaded CI run created too slowly to ever meet a 429.
      runtimeProject(
        "monitor-runtime-limited",
        "monitor-runtime/test/workerd-limited/**/*.test.ts",
        { SIMULATED_CREATE_LIMIT_PER_S: "3", WAKE_RATE_PER_S: "40", MATCH_FEED_RETAIN: "200" },
        { testTimeout: 120_000 },
      ),
      {
        test: {
          name: "node",
          environment: "node",
          include: ["shared/test/**/*.test.ts", "*/test/node/**/*.test.ts"],
          testTimeout: 120_000,
          // Pure modules, no global stubs or env writes: one module graph per worker instead of one
          // per file (106 files) takes the project from ~51 s to ~31 s on 2 cores.
          isolate: false,
        },
      },
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./ingest/wrangler.jsonc" },
            miniflare: {
              bindings: { PRODUCER_TOKENS: DEV_PRODUCERS, DEDUPE_SHARDS: "3" },
              serviceBindings: { SINK: "queue-sink" },
              workers: [
                ...["fabric-monitor-runtime", "fabric-projector", "fabric-matcher"].map(healthyStandIn),
                {
                  name: "queue-sink",
                  modules: true,
                  scriptPath: "./test-fixtures/queue-sink.js",
                  compatibilityDate: "2026-08-01",
                  durableObjects: { STORE: "SinkStore" },
                  queueConsumers: { facts: { maxBatchTimeout: 0.05 } },
                },
              ],
            },
          }),
        ],
        test: {
          name: "ingest",
          include: ["ingest/test/workerd/**/*.test.ts"],
          testTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
