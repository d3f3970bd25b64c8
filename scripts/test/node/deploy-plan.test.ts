import { describe, expect, it } from "vitest";
import { DEPLOY_ORDER, deployPlan, PLACEHOLDER_DATABASE_ID, QUEUES } from "../../deploy-plan.mjs";

const everySecret = {
  ingest: ["PRODUCER_TOKENS"],
  matcher: ["ADMIN_AUTH_SECRET_TOKEN"],
  projector: ["ADMIN_AUTH_SECRET_TOKEN"],
  "monitor-runtime": ["ADMIN_AUTH_SECRET_TOKEN"],
};

describe("deploy plan", () => {
  it("on an empty account creates every queue and the database, writes its id, migrates, then deploys in order", () => {
    const { steps, missingSecrets } = deployPlan({
      queues: [],
      databaseId: null,
      configDatabaseId: PLACEHOLDER_DATABASE_ID,
      secrets: everySecret,
    });
    expect(steps.map((s) => s.what)).toEqual([
      ...QUEUES.map((q) => `create queue ${q}`),
      "create D1 database fabric",
      "write the new database_id into the four wrangler.jsonc",
      "apply the D1 migrations (remote)",
      ...DEPLOY_ORDER.map((w) => `deploy ${w}`),
    ]);
    expect(DEPLOY_ORDER[0]).toBe("ingest");
    expect(DEPLOY_ORDER.at(-1)).toBe("ingest");
    expect(missingSecrets).toEqual([]);
  });

  it("run again on a deployed account only migrates and deploys (idempotent)", () => {
    const { steps } = deployPlan({ queues: QUEUES, databaseId: "abc", configDatabaseId: "abc", secrets: everySecret });
    expect(steps.map((s) => s.what)).toEqual([
      "apply the D1 migrations (remote)",
      ...DEPLOY_ORDER.map((w) => `deploy ${w}`),
    ]);
  });

  it("names every missing secret (never a value), and writes an existing database's id when the configs lack it", () => {
    const { steps, missingSecrets } = deployPlan({
      queues: QUEUES.slice(2),
      databaseId: "real-id",
      configDatabaseId: PLACEHOLDER_DATABASE_ID,
      secrets: { matcher: ["ADMIN_AUTH_SECRET_TOKEN"] },
    });
    expect(missingSecrets).toEqual([
      "ingest PRODUCER_TOKENS",
      "projector ADMIN_AUTH_SECRET_TOKEN",
      "monitor-runtime ADMIN_AUTH_SECRET_TOKEN",
    ]);
    expect(steps.slice(0, 3).map((s) => s.what)).toEqual([
      "create queue facts",
      "create queue facts-dlq",
      "write database_id real-id into the four wrangler.jsonc",
    ]);
  });
});
