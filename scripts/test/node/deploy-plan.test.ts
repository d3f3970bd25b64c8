import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ownerOf } from "../../../ingest/src/gateway";
import {
  DEPLOY_ORDER,
  deployPlan,
  PATH_ROUTES,
  PLACEHOLDER_DATABASE_ID,
  QUEUES,
  routeOwner,
} from "../../deploy-plan.mjs";

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
      "write the new database_id into the wrangler.jsonc of matcher, projector and monitor-runtime",
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
      "write database_id real-id into the wrangler.jsonc of matcher, projector and monitor-runtime",
    ]);
  });
});

describe("zone routes", () => {
  it("deploys each Worker with its path routes when given a zone", () => {
    const { steps } = deployPlan(
      { queues: QUEUES, databaseId: "abc", configDatabaseId: "abc", secrets: everySecret },
      { zone: "api.example.com" },
    );
    const matcher = steps.find((s) => s.what.startsWith("deploy matcher"));
    expect(matcher?.command).toEqual([
      "deploy",
      "-c",
      "matcher/wrangler.jsonc",
      ...PATH_ROUTES.matcher.flatMap((p) => ["--route", `api.example.com${p}`]),
    ]);
  });

  it("sends every documented route to the Worker that owns it locally (the one-origin gateway)", () => {
    // Every path of the README's API table (the readme test holds it equal to the OpenAPI document).
    const table = readFileSync("README.md", "utf8").match(/^\| (GET|POST|PUT|DELETE) +\| .+$/gm) ?? [];
    const paths = table.flatMap((row) =>
      [...(row.split("|")[2] ?? "").matchAll(/`([^`]+)`/g)].map((m) =>
        (m[1] ?? "").replace(/\?.*$/, "").replace(/\{[^}]+\}/g, "x"),
      ),
    );
    expect(paths.length).toBeGreaterThan(20);
    const local = { PROJECTOR: "projector", MATCHER: "matcher", MONITOR_RUNTIME: "monitor-runtime" };
    // What ingest answers itself before its gateway forwards the rest.
    const ingestOwn = ["/v1/facts", "/healthz", "/openapi.json", "/docs", "/console/"];
    for (const path of [...paths, "/console/", "/v1/matches/stream"]) {
      const owner = ingestOwn.includes(path) ? undefined : ownerOf(path);
      expect([path, routeOwner(path)]).toEqual([path, owner ? local[owner] : "ingest"]);
    }
  });
});
