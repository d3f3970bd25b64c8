import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { WakePacer, wakeRate } from "../../src/runtime/wakes/wake-pacer";

/** Start times of wakes reserved one by one at `arrivals`, each waiting what the pacer says. */
function starts(pacer: WakePacer, arrivals: number[]): number[] {
  return arrivals.map((t) => t + pacer.delayFor(1, t));
}

describe("wake pacer", () => {
  it("never starts more than a tenth of a second's worth + rate × elapsed wakes in any window from the first", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.array(fc.integer({ min: 0, max: 3_000 }), { minLength: 1, maxLength: 400 }),
        (rate, offsets) => {
          const arrivals = offsets.sort((a, b) => a - b);
          const times = starts(new WakePacer(rate), arrivals).sort((a, b) => a - b);
          const first = arrivals[0] ?? 0;
          times.forEach((t, i) => {
            // The (i+1)-th start needs i+1 tokens: the initial burst plus what accrued since the first reservation.
            expect(i + 1).toBeLessThanOrEqual(Math.ceil(rate / 10) + (rate * (t - first)) / 1000 + 1e-6);
          });
        },
      ),
    );
  });

  it("lets a tenth of a second's worth through at once, then spaces the rest at the rate", () => {
    const pacer = new WakePacer(100);
    const t0 = 1_000_000;
    const delays = Array.from({ length: 15 }, () => pacer.delayFor(1, t0));
    expect(delays.slice(0, 10)).toEqual(Array(10).fill(0));
    expect(delays.slice(10)).toEqual([10, 20, 30, 40, 50]);
  });

  it("holds every start until the platform's 429 hold has passed", () => {
    const pacer = new WakePacer(100);
    pacer.holdUntilTime(5_000);
    expect(pacer.delayFor(1, 4_000)).toBe(1_000);
    expect(pacer.heldUntil(4_000)).toBe(5_000);
    expect(pacer.heldUntil(5_000)).toBe(0);
  });

  it("reads WAKE_RATE_PER_S, defaulting to Workflows' 100 creations per second", () => {
    expect([wakeRate(undefined), wakeRate(""), wakeRate("0"), wakeRate("x"), wakeRate("25")]).toEqual([
      100, 100, 100, 100, 25,
    ]);
  });
});
