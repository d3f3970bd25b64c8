import { describe, expect, it } from "vitest";
import { PREDICATE_LIMITS } from "../shared/src/predicate";
import { self } from "../test-fixtures/self";
import { call, eventually, PRODUCER, prices } from "./helpers";

const cond = (symbol: string, extra: Record<string, unknown> = {}) => ({
  stream: { kind: "market_price", subject: { symbol } },
  field: "price",
  op: "gt",
  value: 100,
  ...extra,
});
const nest = (depth: number, leaf: unknown): unknown => (depth <= 1 ? leaf : { all: [nest(depth - 1, leaf)] });
const monitor = (predicate: unknown) => ({
  workflowId: "wf-limits",
  ownerUserId: "u",
  linkedPortfolioIds: ["pf"],
  predicate,
  fire: { mode: "edge" },
});

describe("predicate limits", () => {
  it("registers and matches a predicate at every limit: deepest tree, most conditions, longest window", async () => {
    // The root `all` is level 1, so its deepest branch may add maxDepth − 1 levels.
    const deep = nest(PREDICATE_LIMITS.maxDepth - 1, cond("LIM"));
    const many = { all: Array.from({ length: PREDICATE_LIMITS.maxConditions - 1 }, () => cond("LIM")) };
    const longest = cond("LIM", {
      op: "gt",
      value: -1e9,
      change: { windowMs: PREDICATE_LIMITS.maxWindowMs, mode: "abs" },
    });
    // deep (1) + many + any (2) conditions: exactly maxConditions in all.
    many.all.length = PREDICATE_LIMITS.maxConditions - 3;
    const atLimits = { all: [deep, many, { any: [longest, cond("LIM")] }] };
    const put = await call("PUT", "/v1/monitors/at-limits", monitor(atLimits));
    expect(put.status, put.text).toBe(201);
    await call("POST", "/v1/facts", { facts: prices("LIM", [90, 150]) }, PRODUCER);
    const page = await eventually(
      () => call("GET", "/v1/monitors/at-limits/matches"),
      (r) => (r.json.matches?.length ?? 0) >= 1,
    );
    expect(page.json.matches?.length).toBe(1);
  });

  it.each([
    ["one level too deep", monitor(nest(PREDICATE_LIMITS.maxDepth + 1, cond("X"))), "predicate"],
    [
      "one condition too many",
      monitor({ all: Array.from({ length: PREDICATE_LIMITS.maxConditions + 1 }, () => cond("X")) }),
      "predicate",
    ],
    [
      "a window one ms too long",
      monitor(cond("X", { change: { windowMs: PREDICATE_LIMITS.maxWindowMs + 1, mode: "pct" } })),
      "predicate.change.windowMs",
    ],
    ["between with one number", monitor(cond("X", { op: "between", value: 3 })), "predicate.value"],
    [
      "a subject of the wrong shape",
      monitor({ ...cond("X"), stream: { kind: "market_price", subject: { portfolioId: "p" } } }),
      "predicate.stream.subject",
    ],
  ])("rejects %s with a 400 naming the path", async (_name, body, path) => {
    const res = await call("PUT", "/v1/monitors/past-limits", body);
    expect(res.status).toBe(400);
    expect(res.text).toContain(path);
    expect((await call("GET", "/v1/monitors/past-limits")).status).toBe(404);
  });

  it("refuses a registry body over its size limit with 413 before parsing it", async () => {
    const res = await self().fetch("http://fabric/v1/monitors/huge", {
      method: "PUT",
      headers: { authorization: "Bearer dev-admin-token", "content-type": "application/json" },
      body: JSON.stringify({ pad: "x".repeat(300 * 1024) }),
    });
    expect(res.status).toBe(413);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
  });
});

describe("operability", () => {
  it("reports per-shard counters, outbox backlog, queue lag and dead-letter counts", async () => {
    await call("POST", "/v1/facts", { facts: prices("STATS", [1, 2, 3]) }, PRODUCER);
    const stats = await eventually(
      () => call("GET", "/v1/admin/stats"),
      (r) => ((r.json.totals as { factsApplied: number } | undefined)?.factsApplied ?? 0) >= 3,
    );
    expect(stats.status).toBe(200);
    expect(stats.json.totals).toMatchObject({ outboxBacklog: expect.any(Number) });
    expect((stats.json.shards as unknown[]).length).toBeGreaterThan(0);
    expect(stats.json.queues).toHaveProperty("facts");
    expect(stats.json.deadLetters).toEqual({
      facts: expect.any(Number),
      events: expect.any(Number),
      wakes: expect.any(Number),
    });
    const numberOrNull = expect.toSatisfy((v: unknown) => v === null || typeof v === "number");
    expect(stats.json.wakes).toEqual({
      pending: expect.any(Number),
      oldestAgeMs: numberOrNull,
      ratePerSecond: numberOrNull,
      heldUntil: numberOrNull,
      rateLimited: expect.any(Number),
      sessionWakes: expect.any(Number),
      coalesced: expect.any(Number),
    });
  });
});
