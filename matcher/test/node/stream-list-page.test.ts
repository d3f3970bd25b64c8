import { describe, expect, it } from "vitest";
import { firstKept, unionSorted } from "../../src/shard/stream-list-page";

describe("a shard's page of its keys", () => {
  it("merges its two sorted key sources without repeats and stops one past the page", () => {
    expect([...unionSorted(["a", "c", "d"], ["b", "c", "e"])]).toEqual(["a", "b", "c", "d", "e"]);
    expect(firstKept(unionSorted(["a", "c"], ["b", "c"]), (k) => k !== "b", 1)).toEqual({ keys: ["a"], more: true });
    expect(firstKept(["a", "b"], (k) => k !== "b", 1)).toEqual({ keys: ["a"], more: false });
  });
});
