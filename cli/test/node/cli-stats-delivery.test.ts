import { describe, expect, it } from "vitest";
import { RECORDED_AT, STATS } from "./admin-answers";
import { cli } from "./harness";

/** The recorded answer as a fabric with a revoked matcher token answers it: matches fail with 401. */
function failingStats(lastDeliveredAt: number | null = RECORDED_AT - 60_000) {
  const s = structuredClone(STATS) as typeof STATS & Record<string, unknown>;
  s.shards = s.shards.map((sh) => ({ ...sh, matchesDelivered: 1, matchesRefused: 0, notifyFailures: 5 }));
  s.delivery = {
    delivered: 8,
    refused: 2,
    failedAttempts: 40,
    lastFailure: {
      shard: 3,
      matchId: "m1~1~01ABC",
      status: 401,
      reason: JSON.stringify({ title: "Missing or invalid token", detail: "A valid admin bearer token is required" }),
      at: RECORDED_AT - 12_000,
      hint: "the matcher's ADMIN_AUTH_SECRET_TOKEN is not accepted: set the same secret in both Workers",
    },
    lastRefusal: null,
    lastDeliveredAt,
  };
  return s;
}

describe("fabric stats: match delivery", () => {
  it("shows delivered, refused and failed attempts, and the last failure's shard, status, age, reason and what to do", async () => {
    const r = await cli(["stats"], () => Response.json(failingStats()), { now: RECORDED_AT });
    expect(r.code).toBe(0);
    const start = r.out.indexOf("match delivery (notify-trigger-match)");
    expect(start).toBeGreaterThan(r.out.indexOf("facts, matches & outbox by shard"));
    const part = r.out.slice(start, r.out.indexOf("wakes backlog"));
    expect(part).toMatch(/│ failed attempts \(retried\)\s+│ 40 /);
    expect(part).toMatch(/│ refused \(dropped\)\s+│ 2 /);
    expect(part).toMatch(/│ last failure\s+│ shard 3, status 401, .*\(12 s ago\)/);
    expect(part).toContain("Missing or invalid token: A valid admin bearer token is required");
    expect(part).toContain("ADMIN_AUTH_SECRET_TOKEN");
    expect(part).toMatch(/│ last refusal\s+│ none/);
    expect(part).toMatch(/│ last delivery\s+│ .*\(1 min ago\)/);
    expect(part).not.toContain("since then");
    // Summed in the section, so the shards table keeps to a terminal's width, and nothing falls to "other".
    expect(r.out).not.toMatch(/notify\s*failures/);
    expect(r.out).not.toContain("\nother\n");
  });

  it("says when matches were delivered after the last failure (its cause may be fixed)", async () => {
    const r = await cli(["stats"], () => Response.json(failingStats(RECORDED_AT - 2_000)), { now: RECORDED_AT });
    expect(r.out).toMatch(/│ last failure\s+│ shard 3, status 401, .*\(12 s ago\)/);
    expect(r.out).toMatch(/│ {3}since then\s+│ matches were delivered: its cause may be fixed/);
  });
});
