import { describe, expect, it } from "vitest";
import { call, eventually, post, renv, seedMonitor, stateOf } from "./runtime-helpers";

type Letter = { id: string; reason: string; replay_count: number };
const letters = async () => ((await call("GET", "/v1/admin/dead-letters/wakes")).json.deadLetters ?? []) as Letter[];

describe("dead letters of Queue wakes", () => {
  it("records a message the consumer cannot read with its reason, lists it, and replays it", async () => {
    await renv.WAKES_QUEUE.send({ v: 2, nonsense: true });
    const listed = await eventually(letters, (l) => l.length > 0, 20_000);
    expect(listed[0]?.reason).toMatch(/not a v1 wake message/);
    const id = listed[0]?.id ?? "";
    const replay = await post(`/v1/admin/dead-letters/wakes/${encodeURIComponent(id)}/replay`, {});
    expect(replay.status).toBe(202);
    expect(replay.json).toEqual({ replayed: id, replayCount: 1 });
    const after = await eventually(letters, (l) => (l.find((x) => x.id === id)?.replay_count ?? 0) === 1);
    expect(after.find((x) => x.id === id)?.replay_count).toBe(1);
    expect((await post("/v1/admin/dead-letters/wakes/nope/replay", {})).status).toBe(404);
  });

  it("replaying a wake that already reached its session ticks nothing twice", async () => {
    await seedMonitor({ monitorId: "dl-1" });
    const wake = {
      v: 1,
      monitor: {
        monitorId: "dl-1",
        workflowId: "wf-dl-1",
        ownerUserId: "u-1",
        portfolioId: "pf-dl-1",
        enabled: true,
        checkIntervalMs: null,
      },
      wake: {
        wakeId: "trigger_match:dl-1~1~E1",
        reason: "trigger_match",
        receivedAt: Date.now(),
        monitorId: "dl-1",
        matchId: "dl-1~1~E1",
      },
    };
    await renv.WAKES_QUEUE.send(wake);
    await eventually(
      () => stateOf("dl-1"),
      (s) => (s?.tick_count ?? 0) === 1,
      30_000,
    );
    await renv.WAKES_QUEUE.send(wake);
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await stateOf("dl-1"))?.tick_count).toBe(1);
  });
});
