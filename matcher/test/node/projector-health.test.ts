import { describe, expect, it } from "vitest";
import { firstLine } from "../../../shared/src/consumer-failures";
import { projectorHealth } from "../../src/projector-health";

const row = {
  failed_batches: 4,
  last_failure_at: 2_000,
  last_error: "Error: D1_ERROR: no such table",
  last_attempts: 3,
};

describe("the stats' projector section", () => {
  it("says nothing failed when no batch ever did", () => {
    expect(projectorHealth(null)).toEqual({ failingSince: null, failedBatches: 0, lastFailure: null });
  });

  it("reports a failing run with its start, the last error and attempt, and what to do", () => {
    const h = projectorHealth({ ...row, failing_since: 1_000 });
    expect(h).toMatchObject({ failingSince: 1_000, failedBatches: 4 });
    expect(h.lastFailure).toMatchObject({ at: 2_000, error: "Error: D1_ERROR: no such table", attempts: 3 });
    expect(h.lastFailure?.hint).toContain("fabric dlq replay events --all");
  });

  it("keeps the last failure as history once a batch succeeded, saying there is nothing to do", () => {
    const h = projectorHealth({ ...row, failing_since: null });
    expect(h.failingSince).toBeNull();
    expect(h.lastFailure?.hint).toContain("a batch has succeeded since");
  });
});

describe("an error's first line", () => {
  it("drops the stack and later lines, and bounds the length", () => {
    const err = new Error("D1_ERROR: refused\n    at apply (apply.ts:3)");
    expect(firstLine(err)).toBe("Error: D1_ERROR: refused");
    expect(firstLine("plain\nsecond")).toBe("plain");
    expect(firstLine(new Error("x".repeat(1000)))).toHaveLength(300);
  });
});
