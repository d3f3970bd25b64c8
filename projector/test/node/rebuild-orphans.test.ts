import { describe, expect, it } from "vitest";
import { orphanReason, START_GRACE_MS } from "../../src/rebuild/orphans";

describe("orphaned rebuilds", () => {
  const started = 1_000_000;

  it("takes a rebuild with no workflow instance for an orphan only once its start grace has passed", () => {
    expect(orphanReason(started, "not_found", started + START_GRACE_MS - 1)).toBeUndefined();
    expect(orphanReason(started, "not_found", started + START_GRACE_MS)).toMatch(/never started/);
  });

  it("takes a rebuild whose instance ended without recording a result for an orphan at once", () => {
    for (const status of ["complete", "errored", "terminated"]) {
      expect(orphanReason(started, status, started)).toContain(`ended (${status})`);
    }
  });

  it("leaves a rebuild whose instance may still run alone", () => {
    for (const status of ["queued", "running", "paused", "waiting", "waitingForPause", "unknown"]) {
      expect(orphanReason(started, status, started + 10 * START_GRACE_MS)).toBeUndefined();
    }
  });
});
