import { resolve } from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

/**
 * bench:shard's workerd project (run by load-tests/bench-shard.ts with `vitest run --config`;
 * never part of `npm test`): the matcher Worker with one MatcherShard under load, a stand-in for
 * the ingest Worker's FactJournal and a notify sink. A config file outside the repository's root
 * resolves relative paths from its own folder, so `root` is set to the repository and every path
 * below is absolute.
 */
const root = resolve(import.meta.dirname, "..");
const at = (path: string) => resolve(root, path);

/** A Worker from test-fixtures/ that holds one Durable Object class. */
function fixtureWorker(name: string, script: string, binding: string, className: string) {
  return {
    name,
    modules: true,
    scriptPath: at(`test-fixtures/${script}`),
    compatibilityDate: "2026-08-01",
    durableObjects: { [binding]: className },
  };
}

export default defineConfig({
  root,
  plugins: [
    cloudflareTest(async () => ({
      wrangler: { configPath: at("matcher/wrangler.jsonc") },
      miniflare: {
        bindings: {
          ADMIN_AUTH_SECRET_TOKEN: "dev-admin-token",
          LOG_LEVEL: process.env.LOG_LEVEL ?? "info",
          TEST_MIGRATIONS: await readD1Migrations(at("migrations")),
          // The bench's knobs reach workerd's process.env only as bindings.
          SHARD_BENCH_MONITORS: process.env.SHARD_BENCH_MONITORS ?? "100000",
          SHARD_BENCH_BATCHES: process.env.SHARD_BENCH_BATCHES ?? "400",
          EXPLAIN_BENCH_FACTS: process.env.EXPLAIN_BENCH_FACTS ?? "1000000",
          EXPLAIN_BENCH_RANGE: process.env.EXPLAIN_BENCH_RANGE ?? "20000",
          EXPLAIN_BENCH_BUSY_FACTS: process.env.EXPLAIN_BENCH_BUSY_FACTS ?? "1000000",
          EXPLAIN_BENCH_BUSY_STREAMS: process.env.EXPLAIN_BENCH_BUSY_STREAMS ?? "1000",
        },
        workers: [
          fixtureWorker("fabric-ingest", "journal-stand-in.js", "JOURNAL", "FactJournal"),
          fixtureWorker("fabric-monitor-runtime", "notify-sink.js", "LOG", "NotifyLog"),
        ],
      },
    })),
  ],
  test: {
    name: "bench-shard",
    include: ["load-tests/workerd/**/*.test.ts"],
    setupFiles: [at("test-fixtures/apply-migrations.ts")],
    testTimeout: 600_000,
  },
});
