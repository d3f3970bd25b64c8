import { describe, expect, it } from "vitest";
import { placementOf } from "../src/contract/placement";
import { MonitorBodySchema } from "../src/monitor";
import { streamKeysOf } from "../src/predicate";
import { type ProblemIssue, validationProblem } from "../src/problem";
import { cond, monitor } from "./monitor-fixtures";

/** DESIGN §8 "Indicators, relative conditions, expiry": what parses, and the 400s that do not. */

function errorsOf(body: unknown): ProblemIssue[] {
  const input: unknown = JSON.parse(JSON.stringify(body));
  const parsed = MonitorBodySchema.safeParse(input);
  if (parsed.success) throw new Error("expected the body to be refused");
  return validationProblem(parsed.error, "The monitor is invalid", { input }).errors ?? [];
}

const ETH = { kind: "market_price", subject: { symbol: "ETH-USD" } };

describe("indicator and operand forms", () => {
  it("parses indicators, operands and expiresAt as DESIGN §8 writes them", () => {
    const golden = cond({
      indicator: { kind: "sma", samples: 50 },
      op: "crosses_above",
      value: { field: "price", indicator: { kind: "sma", samples: 200 } },
    });
    const band = cond({
      op: "gt",
      value: { field: "price", indicator: { kind: "bollinger_upper", samples: 20, k: 2 } },
    });
    const ratio = cond({ op: "crosses_below", value: { stream: ETH, field: "price", times: 20, plus: -1 } });
    const parsed = MonitorBodySchema.parse(
      monitor({ all: [golden, band, ratio] }, { expiresAt: "2026-12-31T00:00:00Z" }),
    );
    expect(parsed.expiresAt).toBe(Date.parse("2026-12-31T00:00:00Z"));
    expect(streamKeysOf(parsed.predicate)).toEqual(["market_price:BTC-USD", "market_price:ETH-USD"]);
    expect(placementOf(parsed, 1).streams).toEqual(["market_price:BTC-USD", "market_price:ETH-USD"]);
  });

  it.each([
    [
      "an unknown indicator kind",
      cond({ indicator: { kind: "macd", samples: 9 } }),
      "predicate.indicator.kind",
      /expected one of sma, ema, rsi, bollinger_upper, bollinger_lower/,
    ],
    [
      "samples out of range",
      cond({ indicator: { kind: "sma", samples: 1001 } }),
      "predicate.indicator.samples",
      /2 to 1000/,
    ],
    ["samples below 2", cond({ indicator: { kind: "ema", samples: 1 } }), "predicate.indicator.samples", /2 to 1000/],
    [
      "a band without k",
      cond({ indicator: { kind: "bollinger_lower", samples: 20 } }),
      "predicate.indicator.k",
      /needs k/,
    ],
    [
      "k above 10",
      cond({ indicator: { kind: "bollinger_upper", samples: 20, k: 11 } }),
      "predicate.indicator.k",
      /k must be/,
    ],
    [
      "change with indicator",
      cond({ change: { windowMs: 1000, mode: "abs" }, indicator: { kind: "sma", samples: 5 } }),
      "predicate.indicator",
      /either change or indicator/,
    ],
    [
      "an operand with change",
      cond({ change: { windowMs: 1000, mode: "abs" }, value: { field: "bid" } }),
      "predicate.change",
      /change cannot be used with an operand/,
    ],
    [
      "an operand on a field its kind lacks",
      cond({ value: { stream: ETH, field: "close" } }),
      "predicate.value.field",
      /market_price has no field "close"; its fields: price, bid, ask/,
    ],
    [
      "an operand with between",
      cond({ op: "between", value: { field: "bid" } }),
      "predicate.value",
      /between takes \[lo, hi\]; an operand/,
    ],
  ])("%s → 400 naming the path", (_name, predicate, path, message) => {
    const errors = errorsOf(monitor(predicate));
    const hit = errors.find((e) => e.path === path);
    expect(hit, JSON.stringify(errors)).toBeDefined();
    expect(hit?.message).toMatch(message);
  });
});
