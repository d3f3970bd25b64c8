import { describe, expect, it } from "vitest";
import { RECORDED_AT, STATS } from "./admin-answers";
import { cli } from "./harness";

type Projector = {
  failingSince: number | null;
  failedBatches: number;
  lastFailure: { at: number; error: string; attempts: number; hint: string } | null;
};

function statsWith(projector: Projector) {
  return { ...structuredClone(STATS), projector };
}

const failure = {
  at: RECORDED_AT - 5_000,
  error: "Error: D1_ERROR: no such table: monitor_state: SQLITE_ERROR",
  attempts: 4,
  hint: "the projector fails its batches (log `projection_failed`): fix what the error names",
};

/** The lines of the projector section: from its title to the next section's. */
function part(out: string): string {
  const start = out.indexOf("projector (Queue events)");
  return start < 0 ? "" : out.slice(start, out.indexOf("dead letters (not replayed)"));
}

describe("fabric stats: the projector", () => {
  it("shows a projector failing every batch: since when, how many, the last error, its attempt and what to do", async () => {
    const body = statsWith({ failingSince: RECORDED_AT - 125_000, failedBatches: 17, lastFailure: failure });
    const r = await cli(["stats"], () => Response.json(body), { now: RECORDED_AT });
    expect(r.code).toBe(0);
    const p = part(r.out);
    expect(p.indexOf("projector (Queue events)")).toBe(0);
    expect(r.out.indexOf("projector (Queue events)")).toBeGreaterThan(r.out.indexOf("queue lag"));
    expect(p).toMatch(/│ status\s+│ FAILING since .*\(2 min 5 s ago\)/);
    expect(p).toMatch(/│ failed batches\s+│ 17 /);
    expect(p).toMatch(/│ last failure\s+│ .*\(5.0 s ago\), attempt 4/);
    expect(p).toContain("no such table: monitor_state");
    expect(p).toContain("projection_failed");
    expect(r.out).not.toContain("\nother\n");
  });

  it("says the projector recovered when the last failure is followed by a batch that succeeded", async () => {
    const body = statsWith({ failingSince: null, failedBatches: 2, lastFailure: failure });
    const r = await cli(["stats"], () => Response.json(body), { now: RECORDED_AT });
    expect(part(r.out)).toMatch(/│ status\s+│ ok: a batch has succeeded since the last failure/);
    expect(r.out).not.toContain("FAILING");
  });

  it("says no batch has failed, and lists nothing under other", async () => {
    const body = statsWith({ failingSince: null, failedBatches: 0, lastFailure: null });
    const r = await cli(["stats"], () => Response.json(body), { now: RECORDED_AT });
    expect(part(r.out)).toMatch(/│ status\s+│ ok: no batch has failed/);
    expect(r.out).not.toContain("\nother\n");
  });
});
