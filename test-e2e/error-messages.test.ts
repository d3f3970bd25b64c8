import { describe, expect, it } from "vitest";
import { encode } from "../shared/src/codec";
import { OPS } from "../shared/src/predicate";
import { self } from "../test-fixtures/self";
import { ADMIN, call, PRODUCER, priceMonitor } from "./helpers";

/**
 * Errors that say how to fix, through the real routes of the whole fabric: a body, a query
 * parameter, a path parameter and a malformed URL each answer 400 problem+json whose `errors`
 * name the place (`predicate.all.0`, `query.limit`, `path.monitorId`, `path`) and the fix.
 */
type Problem = { status: number; code: string; detail: string; errors: { path: string; message: string }[] };

async function refused(method: string, path: string, body?: unknown, headers = ADMIN): Promise<Problem> {
  const res = await self().fetch(`http://fabric${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(res.status, await res.clone().text()).toBe(400);
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  const problem = (await res.json()) as Problem;
  expect(problem).toMatchObject({ status: 400, code: "validation" });
  return problem;
}

const withCondition = (edit: (c: Record<string, unknown>) => Record<string, unknown>) => {
  const m = priceMonitor("ERR", "gt", 100);
  return { ...m, predicate: { all: m.predicate.all.map((c) => edit({ ...c })) } };
};

describe("a predicate mistake names its path and the fix (PUT /v1/monitors/{id})", () => {
  it.each([
    [
      "operator for op",
      withCondition(({ op, ...c }) => ({ ...c, operator: op })),
      { path: "predicate.all.0", message: 'unknown key "operator"; did you mean "op"?' },
    ],
    [
      "op: greater_than",
      withCondition((c) => ({ ...c, op: "greater_than" })),
      {
        path: "predicate.all.0.op",
        message: `expected one of ${OPS.join(", ")}; got "greater_than"; did you mean "gt"?`,
      },
    ],
    [
      "and for all",
      { ...priceMonitor("ERR", "gt", 100), predicate: { and: priceMonitor("ERR", "gt", 100).predicate.all } },
      { path: "predicate", message: 'expected {all}, {any}, {not} or a condition; got keys "and"' },
    ],
    [
      'value: "100"',
      withCondition((c) => ({ ...c, value: "100" })),
      {
        path: "predicate.all.0.value",
        message: 'expected a number, [number, number] or an operand; got the string "100" (numbers are unquoted: 100)',
      },
    ],
    [
      "an unknown kind inside stream",
      withCondition((c) => ({ ...c, stream: { kind: "stock_price", subject: { symbol: "ERR" } } })),
      { path: "predicate.all.0.stream.kind", message: expect.stringContaining("portfolio_held_asset_metrics; got") },
    ],
    [
      "change.window for windowMs",
      withCondition((c) => ({ ...c, change: { window: 60_000, mode: "abs" } })),
      { path: "predicate.all.0.change", message: 'unknown key "window"; did you mean "windowMs"?' },
    ],
  ])("%s", async (_name, body, expected) => {
    const problem = await refused("PUT", "/v1/monitors/err-1", body);
    expect(problem.errors).toEqual([expected]);
    expect(problem.detail).toContain(`${expected.path}: `);
    expect((await call("GET", "/v1/monitors/err-1")).status).toBe(404);
  });

  it("lists all 11 kinds for an unknown kind", async () => {
    const body = withCondition((c) => ({ ...c, stream: { kind: "stock_price", subject: { symbol: "ERR" } } }));
    const [error] = (await refused("PUT", "/v1/monitors/err-1", body)).errors;
    expect(error?.message.split(", ")).toHaveLength(11);
  });
});

describe("every other place an input can be wrong", () => {
  it("a fact batch names the fact and lists the kinds (POST /v1/facts)", async () => {
    const fact = { kind: "market-price", subject: { symbol: "X" }, observedAt: 1, data: { price: 1 } };
    const problem = await refused("POST", "/v1/facts", { facts: [fact] }, PRODUCER);
    expect(problem.errors[0]?.path).toBe("facts.0.kind");
    expect(problem.errors[0]?.message).toContain('; got "market-price"; did you mean "market_price"?');
  });

  it("a fact that is not an object says so, once per element (POST /v1/facts {facts:[1,2]})", async () => {
    const problem = await refused("POST", "/v1/facts", { facts: [1, 2] }, PRODUCER);
    expect(problem.errors).toEqual([
      { path: "facts.0", message: "must be an object; got the number 1" },
      { path: "facts.1", message: "must be an object; got the number 2" },
    ]);
  });

  it("a msgpack timestamp for observedAt is named a date, with the two forms a time takes", async () => {
    const fact = { kind: "market_price", subject: { symbol: "X" }, observedAt: new Date(1000), data: { price: 1 } };
    const res = await self().fetch("http://fabric/v1/facts", {
      method: "POST",
      headers: { ...PRODUCER, "content-type": "application/msgpack" },
      body: encode({ facts: [fact] }),
    });
    expect(res.status).toBe(400);
    const { errors } = (await res.json()) as Problem;
    expect(errors).toEqual([{ path: "facts.0.observedAt", message: expect.stringContaining("got a date (a msgpack") }]);
    expect(errors[0]?.message).toContain('as RFC 3339 text ("1970-01-01T00:00:01.000Z") or as epoch ms (1000)');
  });

  it("a query parameter says which and where (GET /v1/monitors/{id}/matches?limit=5000)", async () => {
    const problem = await refused("GET", "/v1/monitors/err-1/matches?limit=5000");
    expect(problem.errors).toEqual([{ path: "query.limit", message: "must be an integer from 1 to 1000; got 5000" }]);
    expect(problem.detail).toBe(
      "A query parameter is invalid: query.limit: must be an integer from 1 to 1000; got 5000",
    );
  });

  it("a path parameter says which and where (GET /v1/monitors/{id} with a space)", async () => {
    const problem = await refused("GET", "/v1/monitors/a%20b");
    expect(problem.errors).toEqual([{ path: "path.monitorId", message: expect.stringContaining("letters, digits") }]);
    expect(problem.detail).toMatch(/^A path parameter is invalid: path\.monitorId: /);
  });

  it.each([
    "/v1/monitors/%E0%A4%A",
    "/v1/monitors/%E0%A4%A/matches",
    "/v1/admin/projections/rebuild/%E0%A4%A",
    "/v1/admin/dead-letters/facts/%zz/replay",
    "/nowhere/%",
  ])("a malformed percent-escape in the path is a 400 problem+json saying so: %s", async (path) => {
    const problem = await refused(path.endsWith("replay") ? "POST" : "GET", path);
    expect(problem.detail).toMatch(/^The request path has a malformed percent-escape in "/);
    expect(problem.errors).toEqual([{ path: "path", message: expect.stringContaining("write a literal % as %25") }]);
  });

  it("a malformed percent-escape in the query names the parameter", async () => {
    const problem = await refused("GET", "/v1/monitors/err-1/matches?after=%E0%A4%A");
    expect(problem.errors).toEqual([{ path: "query.after", message: expect.stringContaining('"%E0%A4%A"') }]);
  });
});
