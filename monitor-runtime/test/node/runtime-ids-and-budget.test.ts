import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { UlidSchema } from "../../../shared/src/events";
import { scanRequestId } from "../../src/runtime/delivery/due-scan";
import { deterministicUlid, instanceIdFor, successorIdOf } from "../../src/runtime/ids";
import { backoffMs, parseDuration } from "../../src/runtime/workflow/budget";

describe("runtime ids", () => {
  it("derives a valid ULID from time and parts, the same one every time", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 2 ** 48 - 1 }),
        fc.array(fc.string(), { maxLength: 4 }),
        async (t, parts) => {
          const a = await deterministicUlid(t, ...parts);
          expect(UlidSchema.safeParse(a).success).toBe(true);
          expect(await deterministicUlid(t, ...parts)).toBe(a);
        },
      ),
    );
    // The time part sorts like the time.
    expect((await deterministicUlid(1000, "x")) < (await deterministicUlid(2000, "x"))).toBe(true);
    expect(await deterministicUlid(5, "a")).not.toBe(await deterministicUlid(5, "b"));
  });

  it("names workflow instances validly (≤ 100 chars, [A-Za-z0-9_-]) and one per wake-up", async () => {
    const id = await instanceIdFor("wf_1", "trigger_match:m1~2~01JD");
    expect(id).toMatch(/^[a-zA-Z0-9_][a-zA-Z0-9-_]{0,99}$/);
    expect(await instanceIdFor("wf_1", "trigger_match:m1~2~01JD")).toBe(id);
    expect(await instanceIdFor("wf_1", "trigger_match:m1~2~01JE")).not.toBe(id);
    expect(await successorIdOf("wf_1", id)).not.toBe(id);
  });

  it("gives every run of one minute's cron scan the same requestId", () => {
    const t = Date.UTC(2026, 10, 22, 10, 0, 0);
    expect(scanRequestId(t)).toBe("cron-2026-11-22T10:00");
    expect(scanRequestId(t + 59_999)).toBe(scanRequestId(t));
    expect(scanRequestId(t + 60_000)).not.toBe(scanRequestId(t));
  });
});

describe("session budget", () => {
  it("parses WAIT_TIMEOUT durations and falls back to an hour", () => {
    expect(parseDuration("1 hour")).toBe(3_600_000);
    expect(parseDuration("30 minutes")).toBe(1_800_000);
    expect(parseDuration("2 days")).toBe(172_800_000);
    expect(parseDuration("1500")).toBe(1500);
    expect(parseDuration("soon")).toBe(3_600_000);
    expect(parseDuration(undefined)).toBe(3_600_000);
  });

  it("backs off longer on each failed attempt, capped", () => {
    expect([0, 1, 2, 9].map(backoffMs)).toEqual([30_000, 120_000, 600_000, 600_000]);
  });
});
