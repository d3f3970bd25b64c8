import { describe, expect, it } from "vitest";
import { median } from "../../lib/matcher-timing";

// bench:matcher-ab's figure is the median of its rounds' ratios (six by default): with an even
// count it must be the mean of the two middle rounds, not the slower of them.
describe("median of bench rounds", () => {
  it("takes the middle of an odd count and the mean of the two middles of an even one, in any order", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([1.7, 0.6, 1.1, 0.9])).toBeCloseTo(1.0, 12);
    expect(median([0.924, 0.607])).toBeCloseTo(0.7655, 12);
    expect(median([5])).toBe(5);
  });

  it("is NaN for no rounds, and leaves its input unsorted", () => {
    expect(median([])).toBeNaN();
    const rounds = [2, 1];
    median(rounds);
    expect(rounds).toEqual([2, 1]);
  });
});
