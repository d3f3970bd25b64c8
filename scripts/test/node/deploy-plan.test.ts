import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ownerOf } from "../../../ingest/src/gateway";
import { DEPLOY_ORDER, deployPlan, PATH_ROUTES, QUEUES, routeOwner } from "../../deploy-plan.mjs";

const everySecret = {
  ingest: ["PRODUCER_TOKENS"],
  matcher: ["ADMIN_AUTH_SECRET_TOKEN"],
  projector: ["ADMIN_AUTH_SECRET_TOKEN"],
  "monitor-runtime": ["ADMIN_AUTH_SECRET_TOKEN"],
};

const CONFIGS_STEP =
  "write each Worker's deploy configuration (<worker>/wrangler.deploy.json: its wrangler.jsonc with the database's id)";
const ASSETS_STEP = "build ingest's static assets (the /docs viewer, the /console) into dist/ingest-assets";

describe("deploy plan", () => {
  it("on an empty account builds the assets, creates every queue and the database, migrates, then deploys in order", () => {
    const { steps, missingSecrets } = deployPlan({ queues: [], databaseId: null, secrets: everySecret });
    expect(steps.map((s) => s.what)).toEqual([
      ASSETS_STEP,
      ...QUEUES.map((q) => `create queue ${q}`),
      "create D1 database fabric",
      CONFIGS_STEP,
      "apply the D1 migrations (remote)",
      ...DEPLOY_ORDER.map((w) => `deploy ${w}`),
    ]);
    expect(DEPLOY_ORDER).toEqual(["ingest", "matcher", "projector", "monitor-runtime"]);
    expect(missingSecrets).toEqual([]);
  });

  it("run again on a deployed account only rewrites the deploy configs, migrates and deploys (idempotent)", () => {
    const { steps } = deployPlan({ queues: QUEUES, databaseId: "abc", secrets: everySecret });
    expect(steps.map((s) => s.what)).toEqual([
      ASSETS_STEP,
      CONFIGS_STEP,
      "apply the D1 migrations (remote)",
      ...DEPLOY_ORDER.map((w) => `deploy ${w}`),
    ]);
  });

  it("deploys and migrates from the generated deploy configs, never from the committed wrangler.jsonc", () => {
    const { steps } = deployPlan({ queues: QUEUES, databaseId: "abc", secrets: everySecret });
    const configs = steps.flatMap((s) => (s.command ? [s.command[s.command.indexOf("-c") + 1]] : []));
    expect(configs).toEqual([
      "monitor-runtime/wrangler.deploy.json",
      ...DEPLOY_ORDER.map((w) => `${w}/wrangler.deploy.json`),
    ]);
  });

  it("names every missing secret (never a value)", () => {
    const { missingSecrets } = deployPlan({
      queues: QUEUES.slice(2),
      databaseId: "real-id",
      secrets: { matcher: ["ADMIN_AUTH_SECRET_TOKEN"] },
    });
    expect(missingSecrets).toEqual([
      "ingest PRODUCER_TOKENS",
      "projector ADMIN_AUTH_SECRET_TOKEN",
      "monitor-runtime ADMIN_AUTH_SECRET_TOKEN",
    ]);
  });

  it("requires the facade token only when ticks are forwarded to a facade", () => {
    const found = { queues: QUEUES, databaseId: "abc", secrets: everySecret };
    expect(deployPlan({ ...found, vars: { "monitor-runtime": { TICK_FACADE_URL: "" } } }).missingSecrets).toEqual([]);
    expect(
      deployPlan({ ...found, vars: { "monitor-runtime": { TICK_FACADE_URL: "https://platform.example/tick" } } })
        .missingSecrets,
    ).toEqual(["monitor-runtime TICK_FACADE_TOKEN"]);
  });
});

describe("zone routes", () => {
  it("deploys each Worker with its path routes when given a zone", () => {
    const { steps } = deployPlan(
      { queues: QUEUES, databaseId: "abc", secrets: everySecret },
      { zone: "api.example.com" },
    );
    const matcher = steps.find((s) => s.what.startsWith("deploy matcher"));
    expect(matcher?.command).toEqual([
      "deploy",
      "-c",
      "matcher/wrangler.deploy.json",
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

  it("ends every pattern with *, so a path with a query string (or ingest's asset files) still matches", () => {
    // Cloudflare matches a route against the whole URL, query included: only a trailing * admits one.
    for (const pattern of Object.values(PATH_ROUTES).flat()) expect(pattern).toMatch(/\*$/);
    for (const path of ["/healthz", "/openapi.json", "/docs/swagger-ui/5.35.0/swagger-ui.css", "/console/app.js"])
      expect([path, routeOwner(path)]).toEqual([path, "ingest"]);
  });
});
