import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { auxWorker, TEST_ADMIN_TOKEN } from "./aux-workers.ts";

/**
 * The whole fabric in one workerd test project: ingest is the Worker under test (the public
 * origin), and the matcher, projector and monitor runtime run as auxiliary Workers from their
 * deploy bundles, wired by their own wrangler.jsonc: real queues, Durable Objects, D1, Workflows.
 */
export const DB_ID = "00000000-0000-4000-8000-000000000001";

export function fabricProject(
  name: string,
  include: string[],
  producers: string,
  extra: { shards?: string; vars?: Record<string, string> } = {},
) {
  const shards = extra.shards ?? "4";
  return {
    plugins: [
      cloudflareTest(async () => ({
        wrangler: { configPath: "./ingest/wrangler.jsonc" },
        miniflare: {
          bindings: {
            PRODUCER_TOKENS: producers,
            ADMIN_AUTH_SECRET_TOKEN: TEST_ADMIN_TOKEN,
            JOURNAL_REDELIVER_MS: "1000",
            TEST_MIGRATIONS: await readD1Migrations("./migrations"),
          },
          d1Databases: { DB: DB_ID },
          workers: [
            // The ingest Worker runs as the test runner; the matcher binds its FactJournal class.
            auxWorker(
              "matcher",
              { SHARD_COUNT: shards, ...extra.vars },
              { "fabric-ingest": `vitest-plugin-runner-${name}` },
            ),
            auxWorker("projector", { ...extra.vars }),
            auxWorker("monitor-runtime", { SHARD_COUNT: shards, ...extra.vars }),
          ],
        },
      })),
    ],
    test: {
      name,
      include,
      setupFiles: ["./test-fixtures/apply-migrations.ts"],
      testTimeout: 60_000,
      fileParallelism: false,
    },
  };
}
