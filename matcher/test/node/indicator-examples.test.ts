import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Indicator } from "../../../shared/src/predicate";
import { IndicatorState } from "../../src/engine/indicator-state";
import { indicatorAt } from "../../src/engine/reference-indicators";
import { WindowRing } from "../../src/engine/window-ring";
import { cond, matched, monitor, prices } from "./example-ops";

/** Every value of an indicator over a series, by the reference and by the engine's running state. */
function both(ind: Indicator, values: number[]): (number | undefined)[] {
  const state = new IndicatorState(ind);
  const engine = values.map((v) => state.push(v)).map((v) => (Number.isNaN(v) ? undefined : v));
  const reference = values.map((_, i) => indicatorAt(values, i, ind));
  expect(engine).toEqual(reference);
  return reference;
}

describe("indicators against hand-computed values", () => {
  it("sma has no value until N samples, then the mean of the last N", () => {
    expect(both({ kind: "sma", samples: 3 }, [1, 2, 3, 4, 8])).toEqual([undefined, undefined, 2, 3, 5]);
  });

  it("ema is seeded with the sma at sample N, then α·v + (1 − α)·previous", () => {
    // N = 3: α = 0.5; seed (1 + 2 + 3) / 3 = 2, then 0.5·4 + 0.5·2 = 3, then 0.5·9 + 0.5·3 = 6.
    expect(both({ kind: "ema", samples: 3 }, [1, 2, 3, 4, 9])).toEqual([undefined, undefined, 2, 3, 6]);
  });

  it("rsi (Wilder) needs N changes, then smooths gains and losses", () => {
    // N = 2: changes +2, −1 → G = 1, L = 0.5, RS = 2 → 66.67; then +2 → G = 1.5, L = 0.25 → RS 6.
    const rsi = both({ kind: "rsi", samples: 2 }, [1, 3, 2, 4]);
    expect(rsi.slice(0, 2)).toEqual([undefined, undefined]);
    expect(rsi[2]).toBeCloseTo(100 - 100 / 3, 12);
    expect(rsi[3]).toBeCloseTo(100 - 100 / 7, 12);
  });

  it("rsi is 100 with no loss, and 50 on a flat series", () => {
    expect(both({ kind: "rsi", samples: 2 }, [1, 2, 3, 4])).toEqual([undefined, undefined, 100, 100]);
    expect(both({ kind: "rsi", samples: 3 }, [5, 5, 5, 5, 5])).toEqual([undefined, undefined, undefined, 50, 50]);
  });

  it("bollinger bands are sma ± k·σ (population σ), and collapse onto a flat series", () => {
    // 1, 3: mean 2, σ = 1 → upper 2 + 2·1 = 4, lower 0.
    expect(both({ kind: "bollinger_upper", samples: 2, k: 2 }, [1, 3])).toEqual([undefined, 4]);
    expect(both({ kind: "bollinger_lower", samples: 2, k: 2 }, [1, 3])).toEqual([undefined, 0]);
    expect(both({ kind: "bollinger_upper", samples: 3, k: 2 }, [7, 7, 7, 7])).toEqual([undefined, undefined, 7, 7]);
    expect(both({ kind: "bollinger_lower", samples: 3, k: 2 }, [7, 7, 7, 7])).toEqual([undefined, undefined, 7, 7]);
  });
});

describe("indicator conditions", () => {
  it("fires when the sma crosses a level, counting samples from before the monitor was registered", () => {
    // sma(3): 2, 3, 5 — registered after the first two prices, it still crosses 2.5 at p3.
    const [p0, p1, p2, p3] = prices(1, 2, 3, 4);
    const ops = [p0, p1, monitor(cond("crosses_above", 2.5, { indicator: { kind: "sma", samples: 3 } })), p2, p3];
    expect(matched(ops as never)).toEqual(["p3"]);
  });

  it("rsi(2) below 30 fires once the average loss dominates", () => {
    // changes −1, −1 → rsi 0 at p2; then +4: G = 2, L = 0.5 → 80; then −6: G = 1, L = 3.25 → 23.5.
    const ops = [monitor(cond("lt", 30, { indicator: { kind: "rsi", samples: 2 } })), ...prices(5, 4, 3, 7, 1)];
    expect(matched(ops)).toEqual(["p2", "p4"]);
  });

  it("a price closing above its upper band", () => {
    const upper = { kind: "bollinger_upper", samples: 3, k: 1 } as const;
    // The band at p3 is over 10, 10, 13: mean 11, σ = √2 → 12.41; 13 is above it.
    const ops = [
      monitor({ stream: cond("gt", 0).stream, field: "price", op: "gt", value: { field: "price", indicator: upper } }),
      ...prices(10, 10, 10, 13),
    ];
    expect(matched(ops)).toEqual(["p3"]);
  });
});

/** DESIGN §8's sma and Bollinger band at index i, summed from scratch (oldest first). */
function naive(values: number[], i: number, n: number, k: number): { mean: number; upper: number } {
  const window = values.slice(i - n + 1, i + 1);
  const mean = window.reduce((a, v) => a + v, 0) / n;
  const sigma = Math.sqrt(window.reduce((a, v) => a + (v - mean) * (v - mean), 0) / n);
  return { mean, upper: mean + k * sigma };
}

describe("running window sums", () => {
  const prices = fc.array(fc.double({ min: 1, max: 1e5, noNaN: true }), { minLength: 2, maxLength: 400 });

  it("stay within rounding of the from-scratch sums, and equal them at every N-th sample", () => {
    fc.assert(
      fc.property(prices, fc.integer({ min: 2, max: 40 }), (values, n) => {
        const sma = new IndicatorState({ kind: "sma", samples: n });
        const band = new IndicatorState({ kind: "bollinger_upper", samples: n, k: 2 });
        values.forEach((v, i) => {
          const [m, u] = [sma.push(v), band.push(v)];
          if (i + 1 < n) {
            expect([m, u]).toEqual([Number.NaN, Number.NaN]);
            return;
          }
          const exact = naive(values, i, n, 2);
          if ((i + 1) % n === 0) expect(m).toBe(exact.mean);
          expect(Math.abs(m - exact.mean)).toBeLessThanOrEqual(1e-9 * exact.mean);
          expect(Math.abs(u - exact.upper)).toBeLessThanOrEqual(1e-6 * exact.upper);
        });
      }),
    );
  });

  it("gives a flat window's band exactly, also right after a spike left it", () => {
    const band = new IndicatorState({ kind: "bollinger_upper", samples: 4, k: 2 });
    const out = [177.3459132157307, 1, 1, 1, 1].map((v) => band.push(v));
    expect(out.at(-1)).toBe(1);
  });

  it("states sharing one series window compute what states with their own windows do", () => {
    fc.assert(
      fc.property(prices, fc.integer({ min: 2, max: 30 }), fc.integer({ min: 2, max: 30 }), (values, a, b) => {
        const ring = new WindowRing(Math.max(a, b) + 1);
        const shared = [
          new IndicatorState({ kind: "sma", samples: a }, ring),
          new IndicatorState({ kind: "bollinger_lower", samples: b, k: 1.5 }, ring),
        ];
        const own = [
          new IndicatorState({ kind: "sma", samples: a }),
          new IndicatorState({ kind: "bollinger_lower", samples: b, k: 1.5 }),
        ];
        for (const v of values) {
          ring.push(v);
          expect(shared.map((s) => s.push(v))).toEqual(own.map((s) => s.push(v)));
        }
      }),
    );
  });
});
