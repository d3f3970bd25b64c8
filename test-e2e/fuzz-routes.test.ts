import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { self } from "../test-fixtures/self";

/**
 * Every public route under arbitrary input: bodies (JSON of any shape, deep nesting, huge and
 * unicode strings, bytes), content types, tokens and path parameters (malformed escapes included).
 * The fabric must never answer 5xx, must answer every error with problem+json naming the fault,
 * and a refused request must change nothing (no event is appended to the log).
 */
const ROUTES: [string, string][] = [
  ["GET", "/healthz"],
  ["GET", "/openapi.json"],
  ["GET", "/docs"],
  ["POST", "/v1/facts"],
  ["GET", "/v1/monitors"],
  // Fuzzed through the cursor, which may be any text (the last key of a page).
  ["GET", "/v1/streams?cursor={id}"],
  ["GET", "/v1/streams/{id}/facts"],
  ["PUT", "/v1/monitors/{id}"],
  ["GET", "/v1/monitors/{id}"],
  ["DELETE", "/v1/monitors/{id}"],
  ["GET", "/v1/monitors/{id}/matches"],
  // An endless stream once it opens: fuzzed through `after`, which no fuzzed value names, so it answers.
  ["GET", "/v1/matches/stream?after={id}"],
  ["POST", "/v1/monitors/{id}/backtest"],
  ["POST", "/v1/monitors/{id}/explain"],
  ["POST", "/v1/explain"],
  ["POST", "/v1/admin/projections/rebuild"],
  ["GET", "/v1/admin/projections/rebuild/{id}"],
  ["POST", "/v1/admin/control-plane/workflow-monitors/due"],
  ["POST", "/v1/admin/control-plane/workflow-monitors/due-scan"],
  ["POST", "/v1/admin/control-plane/workflow-monitors/tick"],
  ["POST", "/v1/admin/control-plane/workflow-monitors/notify-execution"],
  ["POST", "/v1/admin/control-plane/workflow-monitors/notify-trigger-match"],
  ["POST", "/v1/admin/control-plane/workflow-monitors/notify-trigger-matches"],
  ["POST", "/v1/admin/control-plane/workflow-monitors/recover"],
  ["POST", "/v1/admin/control-plane/workflow-monitors/execution-refs"],
  ["POST", "/api/workflow-monitors/enqueue-tick"],
  ["GET", "/v1/admin/whoami"],
  ["GET", "/v1/admin/stats"],
  ["GET", "/v1/admin/shards"],
  ["POST", "/v1/admin/deliveries/retry"],
  ["GET", "/v1/admin/dead-letters/facts"],
  ["GET", "/v1/admin/dead-letters/events"],
  ["POST", "/v1/admin/dead-letters/facts/{id}/replay"],
  ["POST", "/v1/admin/dead-letters/events/{id}/replay"],
  ["GET", "/v1/admin/dead-letters/wakes"],
  ["POST", "/v1/admin/dead-letters/wakes/{id}/replay"],
  ["GET", "/v1/admin/agents/users/{id}"],
  ["GET", "/v1/admin/agents/portfolios/{id}"],
];

const deep = fc.integer({ min: 1, max: 3000 }).map((depth) => {
  let node: unknown = {
    stream: { kind: "market_price", subject: { symbol: "X" } },
    field: "price",
    op: "gt",
    value: 1,
  };
  for (let i = 0; i < depth; i++) node = { all: [node] };
  return JSON.stringify({ workflowId: "w", ownerUserId: "u", predicate: node, facts: [node] });
});
const body = fc.oneof(
  fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify(v)),
  fc.string({ unit: "grapheme", maxLength: 300 }),
  fc.string({ unit: "binary", maxLength: 300 }),
  deep,
  fc
    .integer({ min: 0, max: 400_000 })
    .map((n) => JSON.stringify({ facts: [{ kind: "market_price", subject: { symbol: "é".repeat(n) } }] })),
  fc.constant(""),
);
const pathParam = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 40 }).map(encodeURIComponent),
  fc.string({ minLength: 300, maxLength: 3000 }).map(encodeURIComponent),
  fc.constantFrom("..", "%00", "a/b", "~1~x").map(encodeURIComponent),
  // Sent as is: malformed percent-escapes, which must be a 400 problem+json too.
  fc.constantFrom("%E0%A4%A", "%", "%zz", "a%2", "%C3%28"),
);
const token = fc.constantFrom("Bearer dev-admin-token", "Bearer dev-producer-token", "Bearer wrong", "", "Basic abc");
const contentType = fc.constantFrom("application/json", "application/msgpack", "text/plain", "multipart/form-data", "");

const eventCount = async () =>
  (
    await (env as unknown as { DB: D1Database }).DB.prepare("SELECT COUNT(*) AS n FROM event_log").first<{
      n: number;
    }>()
  )?.n ?? 0;

describe("every public route under arbitrary input", () => {
  it("covers every operation of the OpenAPI document", async () => {
    const doc = (await (await self().fetch("http://fabric/openapi.json")).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = Object.entries(doc.paths)
      .flatMap(([path, item]) =>
        Object.keys(item).map((m) => `${m.toUpperCase()} ${path.replace(/\{[^}]+\}/g, "{id}")}`),
      )
      .sort();
    expect(ROUTES.map(([m, p]) => `${m} ${p.split("?")[0]}`).sort()).toEqual(documented);
  });

  it("never answers 5xx, answers problem+json naming the fault, and a refused request changes nothing", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROUTES),
        pathParam,
        token,
        contentType,
        body,
        async ([method, template], id, authorization, type, text) => {
          const path = template.replace("{id}", id);
          const before = await eventCount();
          const headers: Record<string, string> = {};
          if (authorization) headers.authorization = authorization;
          if (type) headers["content-type"] = type;
          const res = await self().fetch(`http://fabric${path}`, {
            method,
            headers,
            body: method === "GET" ? undefined : text,
          });
          const answer = await res.text();
          expect(res.status, `${method} ${path} → ${answer.slice(0, 200)}`).toBeLessThan(500);
          if (res.status >= 400) {
            expect(res.headers.get("content-type")).toContain("application/problem+json");
            const problem = JSON.parse(answer) as { status: number; detail: string; title: string };
            expect(problem.status).toBe(res.status);
            expect(problem.detail.length).toBeGreaterThan(0);
            expect(await eventCount()).toBe(before);
          }
        },
      ),
      { numRuns: 250 },
    );
  });
});
