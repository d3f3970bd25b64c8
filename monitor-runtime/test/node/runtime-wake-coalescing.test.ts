import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { deterministicId } from "../../../shared/src/ids";
import { offerAll } from "../../src/runtime/session/offer-all";
import {
  abandon,
  type Decision,
  end,
  type SessionView,
  settle,
  take,
  type WakeWrite,
} from "../../src/runtime/session/session-decider";
import type { Wake } from "../../src/runtime/session/wake";
import { coalescedWakeId, tickWorkOf } from "../../src/runtime/session/wake-group";
import type { MonitorRef } from "../../src/runtime/store/projections";
import { groupBySession } from "../../src/runtime/wakes/coalesce-wakes";
import type { WakeMessage } from "../../src/runtime/wakes/wake-message";

/** One PortfolioAgent session in memory: the decider's view plus every wake-up row ever written. */
class Session {
  view: SessionView;
  rows = new Map<string, { status: "pending" | "inflight" | "done"; wake: Wake }>();
  rung = false;

  constructor(workflowId: string) {
    this.view = { workflowId, active: null, queue: [] };
  }

  apply<R>(d: Decision<R>): R {
    this.view.active = d.active;
    for (const w of d.writes) this.write(w);
    this.view.queue = [...this.rows.values()]
      .filter((r) => r.status !== "done")
      .map((r) => ({ wake: r.wake, status: r.status === "inflight" ? "inflight" : "pending" }));
    return d.result;
  }

  private write(w: WakeWrite) {
    if (w.op === "insert") {
      if (!this.rows.has(w.wake.wakeId)) this.rows.set(w.wake.wakeId, { status: w.status, wake: w.wake });
    } else {
      const row = this.rows.get(w.wakeId);
      if (row) row.status = w.status;
    }
  }
}

const monitorOf = (workflowId: string, monitorId: string): MonitorRef => ({
  monitorId,
  workflowId,
  ownerUserId: "u-1",
  portfolioId: `pf-${workflowId}`,
  enabled: true,
  checkIntervalMs: null,
  version: 1,
});
const matchWake = (matchId: string, receivedAt = 0): Wake => ({
  wakeId: `trigger_match:${matchId}`,
  reason: "trigger_match",
  receivedAt,
  matchId,
});
const message = (workflowId: string, matchId: string): { body: WakeMessage } => ({
  body: { v: 1, monitor: monitorOf(workflowId, `${matchId}-mon`), wake: matchWake(matchId) },
});
const T = { now: 1000, waitFor: "trigger_matched" as const, waitUntil: 5000 };

describe("coalesced wakes", () => {
  it("groups a batch by session, keeping each session's matches in order", () => {
    const groups = groupBySession([message("wf-a", "a1"), message("wf-b", "b1"), message("wf-a", "a2")]);
    expect(groups.map((g) => [g.monitor.workflowId, g.wakes.map((w) => w.matchId)])).toEqual([
      ["wf-a", ["a1", "a2"]],
      ["wf-b", ["b1"]],
    ]);
  });

  it("records N matches of one workflow in one offer that starts one instance, and one tick takes them all", () => {
    const s = new Session("wf");
    const wakes = ["m1", "m2", "m3", "m4", "m5"].map((m) => matchWake(m));
    const r = s.apply(offerAll(s.view, wakes, { known: new Set(), now: 1, newInstanceId: "i" }));
    expect(r).toMatchObject({ delivery: "start", instanceId: "i", outcomes: wakes.map(() => "accepted") });
    const taken = s.apply(take(s.view, "i", T));
    expect(taken).toEqual({ kind: "wake", wakes });
    // A retried take (its step failed after the agent answered) gets the same group, not more.
    s.apply(offerAll(s.view, [matchWake("m6")], { known: new Set(), now: 2, newInstanceId: "x" }));
    expect(s.apply(take(s.view, "i", T))).toEqual({ kind: "wake", wakes });
  });

  it("answers a group of settled matches with no delivery, and a ring for a waiting instance", () => {
    const s = new Session("wf");
    s.apply(offerAll(s.view, [matchWake("m1")], { known: new Set(), now: 1, newInstanceId: "i" }));
    s.apply(take(s.view, "i", T));
    s.apply(settle(s.view, ["trigger_match:m1"]));
    s.apply(take(s.view, "i", T));
    const again = s.apply(
      offerAll(s.view, [matchWake("m1")], { known: new Set(["trigger_match:m1"]), now: 2, newInstanceId: "x" }),
    );
    expect(again).toMatchObject({ delivery: "none", outcomes: ["duplicate"] });
    const ring = s.apply(
      offerAll(s.view, [matchWake("m1"), matchWake("m2"), matchWake("m3")], {
        known: new Set(["trigger_match:m1"]),
        now: 3,
        newInstanceId: "x",
      }),
    );
    expect(ring).toMatchObject({
      delivery: "ring",
      eventType: "trigger_matched",
      outcomes: ["duplicate", "accepted", "accepted"],
    });
  });

  it("names a group by its sorted wake-up ids, and a single wake-up by its own id", async () => {
    const [a, b, c] = [matchWake("a", 30), matchWake("b", 10), matchWake("c", 20)] as [Wake, Wake, Wake];
    expect(await coalescedWakeId([a])).toBe("trigger_match:a");
    const id = await coalescedWakeId([a, b, c]);
    expect(id).toBe(`trigger_match:${await deterministicId("coalesced", a.wakeId, b.wakeId, c.wakeId)}`);
    expect(await coalescedWakeId([c, a, b])).toBe(id);
    expect(await coalescedWakeId([a, b])).not.toBe(id);
    const fact = (price: number) => ({
      kind: "market_price" as const,
      subject: { symbol: "X" },
      observedAt: price,
      data: { price },
    });
    const work = await tickWorkOf([{ ...a, triggerEvent: fact(1) }, b, { ...c, triggerEvent: fact(2) }]);
    expect(work).toMatchObject({ requestId: id, reason: "trigger_match", matchIds: ["a", "b", "c"], requestedAt: 10 });
    // The freshest fact is the tick's triggerEvent.
    expect(work.triggerEvent?.data).toEqual({ price: 2 });
  });

  // Model: three workflows, the matcher delivering (and redelivering) rounds of matches onto the
  // queue, the paced consumer taking batches of any size and coalescing them per session, with
  // failures (a 429 after the agent recorded the wake: the messages are retried; repeated failures:
  // dead-lettered, later replayed), and instances ticking, timing out, handing over and crashing
  // between a recorded tick and its settle. Ticks are recorded by id as the projector does.
  type Cmd =
    | { t: "notify"; matches: [number, number][] }
    | { t: "consume"; n: number; fail: "none" | "429" | "dlq" }
    | { t: "replay" }
    | { t: "progress"; wf: number; crash: boolean }
    | { t: "timeout"; wf: number }
    | { t: "budget"; wf: number };
  const wf = fc.nat(2);
  const cmd: fc.Arbitrary<Cmd> = fc.oneof(
    fc.record({ t: fc.constant("notify" as const), matches: fc.array(fc.tuple(wf, fc.nat(5)), { maxLength: 8 }) }),
    fc.record({
      t: fc.constant("consume" as const),
      n: fc.integer({ min: 1, max: 10 }),
      fail: fc.constantFrom("none" as const, "none" as const, "429" as const, "dlq" as const),
    }),
    fc.constant({ t: "replay" as const }),
    fc.record({ t: fc.constant("progress" as const), wf, crash: fc.boolean() }),
    fc.record({ t: fc.constant("timeout" as const), wf }),
    fc.record({ t: fc.constant("budget" as const), wf }),
  );

  it("ticks each matchId exactly once, every tick of one workflow, under any interleaving", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(cmd, { maxLength: 60 }), async (cmds) => {
        const sessions = [0, 1, 2].map((k) => new Session(`wf-${k}`));
        let queue: { body: WakeMessage }[] = [];
        let dlq: { body: WakeMessage }[] = [];
        const notified = new Set<string>();
        const ticks = new Map<string, { workflowId: string; matchIds: string[] }>();
        let n = 0;

        const consume = (count: number, fail: "none" | "429" | "dlq") => {
          const batch = queue.slice(0, count);
          queue = queue.slice(count);
          for (const group of groupBySession(batch)) {
            const s = sessions[Number(group.monitor.workflowId.slice(3))] as Session;
            const known = new Set(group.wakes.filter((w) => s.rows.has(w.wakeId)).map((w) => w.wakeId));
            const r = s.apply(offerAll(s.view, group.wakes, { known, now: 0, newInstanceId: `i${n++}` }));
            if (r.delivery === "ring") s.rung = true;
            if (fail === "429") queue.push(...group.items);
            else if (fail === "dlq") dlq.push(...group.items);
          }
        };
        const progress = async (s: Session, crash: boolean) => {
          const a = s.view.active;
          if (!a || (a.phase === "waiting" && !s.rung)) return false;
          s.rung = false;
          const r = s.apply(take(s.view, a.instanceId, T));
          if (r.kind !== "wake") return false;
          const work = await tickWorkOf(r.wakes);
          const tickId = await deterministicId("tick", s.view.workflowId, work.requestId);
          const recorded = ticks.get(tickId);
          if (recorded) expect(recorded.matchIds).toEqual(work.matchIds);
          ticks.set(tickId, { workflowId: s.view.workflowId, matchIds: work.matchIds });
          // The instance dies after its tick was recorded, before settling: its successor takes over.
          if (crash) s.apply(abandon(s.view, a.instanceId, { now: 0, successorId: `i${n++}` }));
          else s.apply(settle(s.view, work.wakeIds));
          return true;
        };

        for (const c of cmds) {
          if (c.t === "notify") {
            for (const [k, m] of c.matches) {
              const matchId = `w${k}m${m}`;
              notified.add(matchId);
              queue.push(message(`wf-${k}`, matchId));
            }
          } else if (c.t === "consume") consume(c.n, c.fail);
          else if (c.t === "replay") {
            queue.push(...dlq);
            dlq = [];
          } else {
            const s = sessions[c.wf] as Session;
            const a = s.view.active;
            if (c.t === "progress") await progress(s, c.crash);
            else if (c.t === "timeout" && a?.phase === "waiting") {
              const r = s.apply(end(s.view, a.instanceId, { now: 0, final: false, successorId: `i${n++}` }));
              if (r.kind === "continue") s.rung = true;
            } else if (c.t === "budget" && a && a.phase !== "sleeping") {
              s.apply(end(s.view, a.instanceId, { now: 0, final: true, successorId: `i${n++}` }));
            }
          }
          for (const s of sessions) if (s.view.queue.length > 0) expect(s.view.active).not.toBeNull();
        }
        // Quiescence: the DLQ replayed, the queue drained, every session run until it waits empty.
        queue.push(...dlq);
        consume(queue.length, "none");
        for (const s of sessions) {
          for (let guard = 0; guard < 100 && s.view.queue.length > 0; guard++) {
            s.rung = true;
            await progress(s, false);
          }
          expect(s.view.queue).toEqual([]);
        }
        const seen = new Map<string, number>();
        for (const tick of ticks.values()) {
          for (const m of tick.matchIds) {
            seen.set(m, (seen.get(m) ?? 0) + 1);
            expect(`wf-${m.slice(1, 2)}`).toBe(tick.workflowId);
          }
        }
        for (const m of notified) expect(seen.get(m), m).toBe(1);
        expect([...seen.keys()].every((m) => notified.has(m))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
