import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { PushFactsBodySchema } from "../src/facts";
import { nearest } from "../src/issues/nearest";
import { MonitorBodySchema } from "../src/monitor";
import { OPS } from "../src/predicate";
import { type ProblemIssue, validationProblem } from "../src/problem";
import { cond, monitor } from "./monitor-fixtures";

/**
 * The messages a person reads when a request is wrong: each names the path and says what was
 * expected there and what came instead, built from the shared schemas (no per-route strings).
 */

function errorsOf(schema: z.ZodType, body: unknown, prefix?: string[]): ProblemIssue[] {
  const input: unknown = JSON.parse(JSON.stringify(body));
  const parsed = schema.safeParse(input);
  if (parsed.success) throw new Error("expected the body to be refused");
  return validationProblem(parsed.error, "The monitor is invalid", { input, prefix }).errors ?? [];
}
const KINDS =
  "market_price, market_candles, approval_pending_count, account_buying_power_usd, account_cash_usd, " +
  "portfolio_nav_usd, portfolio_cash_pct, portfolio_drift_from_target, portfolio_concentration, " +
  "portfolio_held_asset_performance, portfolio_held_asset_metrics";

describe("predicate mistakes name the path and the fix", () => {
  it.each([
    [
      "operator for op",
      { all: [{ ...cond(), op: undefined, operator: "gt" }] },
      { path: "predicate.all.0", message: 'unknown key "operator"; did you mean "op"?' },
    ],
    [
      "op greater_than",
      { all: [cond({ op: "greater_than" })] },
      {
        path: "predicate.all.0.op",
        message: `expected one of ${OPS.join(", ")}; got "greater_than"; did you mean "gt"?`,
      },
    ],
    [
      "and for all",
      { and: [cond()] },
      { path: "predicate", message: 'expected {all}, {any}, {not} or a condition; got keys "and"' },
    ],
    [
      "a quoted number",
      { all: [cond({ value: "100" })] },
      {
        path: "predicate.all.0.value",
        message: 'expected a number, [number, number] or an operand; got the string "100" (numbers are unquoted: 100)',
      },
    ],
    [
      "an unknown kind inside stream",
      { all: [cond({ stream: { kind: "price", subject: { symbol: "X" } } })] },
      {
        path: "predicate.all.0.stream.kind",
        message: `expected one of ${KINDS}; got "price"; did you mean "market_price"?`,
      },
    ],
    [
      "change.window for windowMs",
      { any: [cond({ change: { window: 60_000, mode: "pct" } })] },
      { path: "predicate.any.0.change", message: 'unknown key "window"; did you mean "windowMs"?' },
    ],
    [
      "a misspelled field deep inside",
      { any: [{ not: { all: [cond({ field: "prize" })] } }] },
      {
        path: "predicate.any.0.not.all.0.field",
        message: 'market_price has no field "prize"; its fields: price, bid, ask; did you mean "price"?',
      },
    ],
    [
      "a quoted bound inside a range",
      cond({ op: "between", value: [1, "2"] }),
      { path: "predicate.value.1", message: 'expected a number; got the string "2" (numbers are unquoted: 2)' },
    ],
    [
      "a predicate that is a string",
      "price > 100",
      {
        path: "predicate",
        message: 'expected {all}, {any}, {not} or a condition; got the string "price > 100"',
      },
    ],
  ])("%s", (_name, predicate, expected) => {
    expect(errorsOf(MonitorBodySchema, monitor(predicate))).toEqual([expected]);
  });

  it("says a whole-body mistake once per field, with bounds and unquoting", () => {
    const body = monitor(cond(), {
      fire: { mode: "edges", cooldownMs: -1, once: "true" },
      linkedPortfolioIds: Array.from({ length: 40 }, () => "pf"),
      checkIntervalMs: 5,
    });
    expect(errorsOf(MonitorBodySchema, body)).toEqual([
      { path: "linkedPortfolioIds", message: "must have at most 32 items; got 40" },
      { path: "fire.mode", message: 'expected one of edge, level; got "edges"; did you mean "edge"?' },
      { path: "fire.cooldownMs", message: "must be an integer from 0 to 31622400000; got -1" },
      { path: "fire.once", message: 'expected true or false; got the string "true" (booleans are unquoted: true)' },
      { path: "checkIntervalMs", message: "must be an integer from 60000 to 31622400000; got 5" },
    ]);
  });

  it("names each of several unknown keys, with a hint where one is near", () => {
    expect(errorsOf(MonitorBodySchema, monitor(cond({ op: undefined, operator: "gt", colour: "red" })))).toEqual([
      { path: "predicate", message: 'unknown keys "operator" (did you mean "op"?), "colour"' },
    ]);
  });

  it("names what is missing", () => {
    expect(errorsOf(MonitorBodySchema, {})).toEqual([
      { path: "workflowId", message: "missing; expected a string" },
      { path: "ownerUserId", message: "missing; expected a string" },
      { path: "predicate", message: "missing; expected {all}, {any}, {not} or a condition" },
    ]);
  });

  it("puts the detail's first mistake first and counts the rest", () => {
    const input = monitor({ and: [] }, { fire: { mode: "x" } });
    const parsed = MonitorBodySchema.safeParse(input);
    expect(parsed.success).toBe(false);
    if (parsed.success) return;
    expect(validationProblem(parsed.error, "The monitor is invalid", { input }).detail).toBe(
      'The monitor is invalid: predicate: expected {all}, {any}, {not} or a condition; got keys "and" (and 1 more in errors[])',
    );
  });
});

describe("did you mean", () => {
  it.each([
    ["operator", ["stream", "field", "op", "value"], "op"],
    ["window", ["windowMs", "mode"], "windowMs"],
    ["less_than", [...OPS], "lt"],
    ["crossesAbove", [...OPS], "crosses_above"],
    ["crosses_abov", [...OPS], "crosses_above"],
    ["cooldown", ["mode", "cooldownMs", "once"], "cooldownMs"],
    ["colour", ["stream", "field", "op", "value"], undefined],
  ])("%s among %j → %s", (word, options, expected) => {
    expect(nearest(word, options)).toBe(expected);
  });
});

describe("fact and parameter mistakes", () => {
  it("lists the 11 kinds for an unknown fact kind", () => {
    const body = { facts: [{ kind: "market-price", subject: { symbol: "X" }, observedAt: 1, data: { price: 1 } }] };
    expect(errorsOf(PushFactsBodySchema, body)).toEqual([
      { path: "facts.0.kind", message: `expected one of ${KINDS}; got "market-price"; did you mean "market_price"?` },
    ]);
  });

  it("says what a time looks like and what a kind's data lacks", () => {
    const body = { facts: [{ kind: "market_price", subject: { symbol: "X" }, observedAt: "yesterday", data: {} }] };
    expect(errorsOf(PushFactsBodySchema, body)).toEqual([
      {
        path: "facts.0.observedAt",
        message:
          'expected an RFC 3339 date-time with an offset, e.g. "2026-11-22T10:00:00Z"; got the string "yesterday"',
      },
      { path: "facts.0.data.price", message: "missing; expected a number > 0" },
    ]);
  });

  it("says each fact that is not an object is one, once per element, naming what came", () => {
    expect(errorsOf(PushFactsBodySchema, { facts: [1, "a", null, [2]] })).toEqual([
      { path: "facts.0", message: "must be an object; got the number 1" },
      { path: "facts.1", message: 'must be an object; got the string "a"' },
      { path: "facts.2", message: "must be an object; got null" },
      { path: "facts.3", message: "must be an object; got an array of 1" },
    ]);
    const metrics = { kind: "portfolio_held_asset_metrics", subject: 3, observedAt: 1, data: { metrics: true } };
    expect(errorsOf(PushFactsBodySchema, { facts: [metrics] })).toEqual([
      { path: "facts.0.subject", message: "must be an object; got the number 3" },
      { path: "facts.0.data.metrics", message: "must be an object; got true" },
    ]);
    expect(errorsOf(PushFactsBodySchema, { facts: 7 })).toEqual([
      { path: "facts", message: "expected an array; got the number 7" },
    ]);
  });

  it("says a msgpack timestamp is a date and how to send a time instead", () => {
    const fact = { kind: "market_price", subject: { symbol: "X" }, observedAt: new Date(1000), data: { price: 1 } };
    const parsed = PushFactsBodySchema.safeParse({ facts: [fact] });
    expect(parsed.success).toBe(false);
    if (parsed.success) return;
    expect(validationProblem(parsed.error, "x", { input: { facts: [fact] } }).errors).toEqual([
      {
        path: "facts.0.observedAt",
        message:
          "expected an RFC 3339 date-time or an integer from 0 to 8640000000000000; got a date (a msgpack timestamp); " +
          'send a time as RFC 3339 text ("1970-01-01T00:00:01.000Z") or as epoch ms (1000)',
      },
    ]);
  });

  it("says a time before 1970 is out of range, once, and an oversized epoch once", () => {
    const fact = (observedAt: unknown) => ({
      kind: "market_price",
      subject: { symbol: "X" },
      observedAt,
      data: { price: 1 },
    });
    expect(errorsOf(PushFactsBodySchema, { facts: [fact("1969-12-31T23:59:59Z")] })).toEqual([
      {
        path: "facts.0.observedAt",
        message: "must be at or after 1970-01-01T00:00:00Z (times are epoch ms from 0); got a date before 1970",
      },
    ]);
    expect(errorsOf(PushFactsBodySchema, { facts: [fact(1e20)] })).toEqual([
      {
        path: "facts.0.observedAt",
        message: "must be an integer from 0 to 8640000000000000; got 100000000000000000000",
      },
    ]);
  });

  it("prefixes a query parameter with where it was", () => {
    const query = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) });
    expect(errorsOf(query, { limit: "5000" }, ["query"])).toEqual([
      { path: "query.limit", message: "must be an integer from 1 to 1000; got 5000" },
    ]);
    expect(errorsOf(query, { limit: "ten" }, ["query"])).toEqual([
      { path: "query.limit", message: 'expected an integer from 1 to 1000; got the string "ten"' },
    ]);
  });

  it("words a size in the singular for 1 and the plural otherwise, with the size sent", () => {
    const sized = z.object({
      code: z.string().min(1).max(1),
      name: z.string().min(3),
      pair: z.array(z.number()).max(1),
      tags: z.array(z.string()).min(2),
    });
    expect(errorsOf(sized, { code: "ab", name: "x", pair: [1, 2], tags: ["a"] })).toEqual([
      { path: "code", message: "must have at most 1 character; got 2" },
      { path: "name", message: "must have at least 3 characters; got 1" },
      { path: "pair", message: "must have at most 1 item; got 2" },
      { path: "tags", message: "must have at least 2 items; got 1" },
    ]);
    expect(errorsOf(sized, { code: "", name: "abc", pair: [], tags: ["a", "b"] })).toEqual([
      { path: "code", message: "must not be empty" },
    ]);
  });

  it("never throws and always says something, whatever the body", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (body) => {
        for (const schema of [MonitorBodySchema, PushFactsBodySchema]) {
          const parsed = schema.safeParse(body);
          if (parsed.success) continue;
          const errors = validationProblem(parsed.error, "x", { input: body }).errors ?? [];
          expect(errors.length).toBeGreaterThan(0);
          for (const e of errors) expect(e.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 300 },
    );
  });
});
