import { describe, expect, it } from "vitest";
import { wakeIdOf } from "../../../monitor-runtime/src/runtime/session/wake";
import { deterministicId } from "../../../shared/src/ids";
import {
  accountWakes,
  type ExpectedWake,
  phaseStats,
  type Sample,
  slowUntil,
  type TickRow,
} from "../../lib/burst-accounting";

// load:burst's verdict (0 lost, 0 doubled) rests on this accounting: it must catch a wake that
// never ticked, a wake ticked twice, and a burst workflow ticked for a wake nobody expected.
async function expectedOf(n: number): Promise<ExpectedWake[]> {
  return Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const matchId = `burst-${i}~1~EVT`;
      const workflowId = `wf-burst-${i}`;
      return {
        workflowId,
        matchId,
        tickId: await deterministicId("tick", workflowId, wakeIdOf("trigger_match", matchId)),
      };
    }),
  );
}

const tick = (e: ExpectedWake, tickedAt: number, eventId = `ev-${e.tickId}-${tickedAt}`): TickRow => ({
  eventId,
  workflowId: e.workflowId,
  tickId: e.tickId,
  tickedAt,
  reason: "trigger_match",
});

describe("load:burst wake accounting", () => {
  it("counts every wake ticked once as ticked, none lost or doubled", async () => {
    const expected = await expectedOf(5);
    const a = accountWakes(
      expected,
      expected.map((e, i) => tick(e, 1000 + i)),
    );
    expect(a).toEqual({ ticked: 5, lost: [], doubled: 0, tickedAt: [1000, 1001, 1002, 1003, 1004], ticks: 5 });
  });

  it("names a wake with no tick as lost", async () => {
    const expected = await expectedOf(3);
    const a = accountWakes(expected, [tick(expected[0] as ExpectedWake, 5), tick(expected[2] as ExpectedWake, 6)]);
    expect(a.lost).toEqual(["burst-1~1~EVT"]);
    expect(a.ticked).toBe(2);
  });

  it("counts a second recorded tick of one wake as doubled, and times the wake by its first", async () => {
    const [e] = await expectedOf(1);
    if (!e) throw new Error("no wake");
    const a = accountWakes([e], [tick(e, 20), tick(e, 10)]);
    expect(a).toMatchObject({ ticked: 1, doubled: 1, tickedAt: [10] });
  });

  it("counts a tick of a burst workflow that no expected wake explains as doubled; other workflows' ticks are ignored", async () => {
    const [e] = await expectedOf(1);
    if (!e) throw new Error("no wake");
    const stray = { ...tick(e, 30), tickId: "tick_other" };
    const elsewhere = { ...tick(e, 30), tickId: "tick_else", workflowId: "wf-probe" };
    expect(accountWakes([e], [tick(e, 10), stray, elsewhere]).doubled).toBe(1);
  });

  it("counts each match a coalesced tick carries as woken once, and a match carried by two ticks as doubled", async () => {
    // Four monitors feeding one workflow: their matches ride coalesced ticks.
    const expected = (await expectedOf(4)).map((e) => ({ ...e, workflowId: "wf-shared" }));
    const carrying = (ids: number[], tickedAt: number, tickId: string): TickRow => ({
      eventId: `ev-${tickId}`,
      workflowId: "wf-shared",
      tickId,
      tickedAt,
      reason: "trigger_match",
      matchIds: ids.map((i) => `burst-${i}~1~EVT`),
    });
    const once = accountWakes(expected, [carrying([0, 1, 2], 10, "t1"), carrying([3], 20, "t2")]);
    expect(once).toEqual({ ticked: 4, lost: [], doubled: 0, tickedAt: [10, 10, 10, 20], ticks: 2 });
    const twice = accountWakes(expected, [carrying([0, 1], 10, "t1"), carrying([1, 2], 20, "t2")]);
    expect(twice).toMatchObject({ ticked: 3, lost: ["burst-3~1~EVT"], doubled: 1 });
    // A list names matches of its own workflow only: the same matchId ticked elsewhere wakes nothing here.
    const other = { ...carrying([0, 1, 2, 3], 10, "t3"), workflowId: "wf-burst-0" };
    expect(accountWakes(expected, [other]).lost).toHaveLength(4);
  });

  it("derives tick ids the way the runtime does: one per workflow and wake-up", async () => {
    const [a, b] = await expectedOf(2);
    expect(a?.tickId).toMatch(/^tick_[0-9a-f]{32}$/);
    expect(a?.tickId).not.toBe(b?.tickId);
  });
});

describe("load:burst route phases", () => {
  it("splits samples by due time and takes p50/p99 per phase, counting non-2xx as failed and unsent as skipped", () => {
    const samples: Sample[] = [
      ...Array.from({ length: 100 }, (_, i): Sample => ({ route: "healthz", due: i, ms: i + 1, status: 200 })),
      { route: "healthz", due: 150, ms: 5000, status: 0 },
      { route: "healthz", due: 160, ms: 7000, status: 503 },
      { route: "healthz", due: 170, ms: Number.NaN, status: -1 },
      { route: "push", due: 150, ms: 1, status: 202 },
    ];
    expect(phaseStats(samples, "healthz", 0, 100)).toEqual({
      samples: 100,
      skipped: 0,
      failed: 0,
      p50: 50,
      p99: 99,
      max: 100,
    });
    expect(phaseStats(samples, "healthz", 100, 200)).toEqual({
      samples: 2,
      skipped: 1,
      failed: 2,
      p50: 5000,
      p99: 7000,
      max: 7000,
    });
    expect(phaseStats(samples, "push", 0, 100).samples).toBe(0);
  });

  it("says until when a route answered slower than a limit, after a given time", () => {
    const samples: Sample[] = [
      { route: "healthz", due: 50, ms: 900, status: 200 },
      { route: "healthz", due: 200, ms: 700, status: 200 },
      { route: "healthz", due: 300, ms: 20, status: 200 },
      { route: "push", due: 400, ms: 5000, status: 202 },
    ];
    expect(slowUntil(samples, "healthz", 100, 30)).toBe(800);
    expect(slowUntil(samples, "healthz", 100, 1000)).toBe(0);
  });
});
