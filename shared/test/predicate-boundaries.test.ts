import { describe, expect, it } from "vitest";
import { MonitorBodySchema } from "../src/monitor";
import { type ProblemIssue, validationProblem } from "../src/problem";
import { cond, monitor } from "./monitor-fixtures";

/** Condition values exactly at the edge of what DESIGN §3/§8 allow: the last accepted, the first refused. */

function errorsOf(body: unknown): ProblemIssue[] {
  const parsed = MonitorBodySchema.safeParse(body);
  if (parsed.success) throw new Error("expected the body to be refused");
  return validationProblem(parsed.error, "The monitor is invalid", { input: body }).errors ?? [];
}

describe("predicate values at the edge of the contract", () => {
  it("accepts a range whose bounds are equal (lo ≤ hi), and refuses lo > hi", () => {
    expect(MonitorBodySchema.safeParse(monitor(cond({ op: "between", value: [100, 100] }))).success).toBe(true);
    expect(MonitorBodySchema.safeParse(monitor(cond({ op: "outside", value: [100, 100] }))).success).toBe(true);
    const errors = errorsOf(monitor(cond({ op: "between", value: [101, 100] })));
    expect(errors.find((e) => e.path === "predicate.value")?.message).toMatch(/lo must not exceed hi/);
  });

  it("refuses hysteresis on a comparison: it applies to crossings only", () => {
    for (const op of ["gt", "lte", "eq"]) {
      const errors = errorsOf(monitor(cond({ op, hysteresis: 5 })));
      expect(errors.find((e) => e.path === "predicate.hysteresis")?.message).toMatch(/crosses_above\/crosses_below/);
    }
    const crossing = monitor(cond({ op: "crosses_below", hysteresis: 0 }));
    expect(MonitorBodySchema.safeParse(crossing).success).toBe(true);
  });

  it("refuses a Bollinger band with k = 0 (0 < k ≤ 10), and accepts k = 10", () => {
    const band = (k: number) => cond({ indicator: { kind: "bollinger_upper", samples: 20, k } });
    const errors = errorsOf(monitor(band(0)));
    expect(errors.find((e) => e.path === "predicate.indicator.k")?.message).toMatch(/k must be > 0/);
    expect(MonitorBodySchema.safeParse(monitor(band(10))).success).toBe(true);
  });
});
