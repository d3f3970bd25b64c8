import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  abandon,
  type Decision,
  end,
  offer,
  SESSION_LIMITS,
  type SessionView,
  settle,
  sleep,
  take,
  type WakeWrite,
} from "../../src/runtime/session/session-decider";
import type { Wake, WakeReason } from "../../src/runtime/session/wake";

/** The PortfolioAgent's storage, in memory: the session row plus every wake-up row ever written. */
class Store {
  view: SessionView = { workflowId: "wf", active: null, queue: [] };
  rows = new Map<string, "pending" | "inflight" | "done">();
  bodies = new Map<string, Wake>();

  apply<R>(d: Decision<R>): R {
    this.view.active = d.active;
    for (const w of d.writes) this.write(w);
    this.view.queue = [...this.rows]
      .filter(([, s]) => s !== "done")
      .map(([id, s]) => ({ wake: this.bodies.get(id) as Wake, status: s === "inflight" ? "inflight" : "pending" }));
    return d.result;
  }

  private write(w: WakeWrite) {
    if (w.op === "insert") {
      if (this.rows.has(w.wake.wakeId)) return;
      this.rows.set(w.wake.wakeId, w.status);
      this.bodies.set(w.wake.wakeId, w.wake);
    } else if (this.rows.has(w.wakeId)) this.rows.set(w.wakeId, w.status);
  }
}

const wake = (wakeId: string, reason: WakeReason = "trigger_match"): Wake => ({ wakeId, reason, receivedAt: 0 });
const T = { now: 1000, waitFor: "trigger_matched" as const, waitUntil: 5000 };

describe("session decider", () => {
  it("starts an instance for the first wake-up and queues later ones for it", () => {
    const s = new Store();
    expect(s.apply(offer(s.view, wake("a"), { known: false, now: 1, newInstanceId: "i-a" }))).toMatchObject({
      outcome: "accepted",
      delivery: "start",
      instanceId: "i-a",
    });
    expect(s.apply(offer(s.view, wake("b"), { known: false, now: 2, newInstanceId: "i-b" }))).toMatchObject({
      delivery: "start",
      instanceId: "i-a",
    });
    expect(s.apply(take(s.view, "i-a", T))).toEqual({ kind: "wake", wakes: [wake("a"), wake("b")] });
    expect(s.apply(offer(s.view, wake("c"), { known: false, now: 3, newInstanceId: "x" }))).toMatchObject({
      delivery: "queued",
    });
  });

  it("rings a waiting instance with the event it waits on, and drops a settled duplicate", () => {
    const s = new Store();
    s.apply(offer(s.view, wake("a"), { known: false, now: 1, newInstanceId: "i" }));
    s.apply(take(s.view, "i", T));
    s.apply(settle(s.view, ["a"]));
    expect(s.apply(take(s.view, "i", { ...T, waitFor: "execution_completed" }))).toEqual({ kind: "wait" });
    const ring = s.apply(offer(s.view, wake("b", "execution_completed"), { known: false, now: 2, newInstanceId: "x" }));
    expect(ring).toMatchObject({
      outcome: "accepted",
      delivery: "ring",
      eventType: "execution_completed",
      instanceId: "i",
    });
    const again = s.apply(offer(s.view, wake("b"), { known: true, now: 3, newInstanceId: "x" }));
    expect(again).toMatchObject({ outcome: "duplicate", delivery: "ring" });
    const old = s.apply(offer(s.view, wake("a"), { known: true, now: 3, newInstanceId: "x" }));
    expect(old).toMatchObject({ outcome: "duplicate", delivery: "none" });
  });

  it("never lets an instance end while a wake-up is queued (the event that raced the timeout)", () => {
    const s = new Store();
    s.apply(offer(s.view, wake("a"), { known: false, now: 1, newInstanceId: "i" }));
    s.apply(take(s.view, "i", T));
    s.apply(settle(s.view, ["a"]));
    s.apply(take(s.view, "i", T));
    s.apply(offer(s.view, wake("late"), { known: false, now: 2, newInstanceId: "x" }));
    expect(s.apply(end(s.view, "i", { now: 3, final: false, successorId: "j" }))).toEqual({ kind: "continue" });
    expect(s.apply(end(s.view, "i", { now: 3, final: true, successorId: "j" }))).toEqual({
      kind: "handoff",
      instanceId: "j",
    });
    expect(s.apply(take(s.view, "i", T))).toEqual({ kind: "superseded" });
    expect(s.apply(take(s.view, "j", T))).toEqual({ kind: "wake", wakes: [wake("late")] });
  });

  it("coalesces a due scan while one is pending, and reports busy at the queue limit", () => {
    const s = new Store();
    s.apply(offer(s.view, wake("due:1", "due"), { known: false, now: 1, newInstanceId: "i" }));
    expect(s.apply(offer(s.view, wake("due:2", "due"), { known: false, now: 2, newInstanceId: "x" }))).toMatchObject({
      outcome: "coalesced",
    });
    for (let n = 0; n < SESSION_LIMITS.maxQueued - 1; n++)
      s.apply(offer(s.view, wake(`m${n}`), { known: false, now: 3, newInstanceId: "x" }));
    expect(s.apply(offer(s.view, wake("over"), { known: false, now: 4, newInstanceId: "x" }))).toMatchObject({
      outcome: "busy",
      delivery: "none",
    });
  });

  it("reports a session as stale once its lease has passed", () => {
    const s = new Store();
    s.apply(offer(s.view, wake("a"), { known: false, now: 0, newInstanceId: "i" }));
    s.apply(sleep(s.view, "i", { now: 10, until: 40_000 }));
    expect(s.view.active).toMatchObject({ phase: "sleeping", sleepingUntil: 40_000 });
    const late = s.apply(offer(s.view, wake("b"), { known: false, now: 10_000_000, newInstanceId: "x" }));
    expect(late).toMatchObject({ delivery: "queued", stale: true });
  });

  // Model: any interleaving of arrivals (with repeats), instance progress, timeouts, budget
  // hand-overs and crashes. Checked: a queued wake-up always has an owner; each is ticked at most
  // once; and once the instances run to quiescence, every distinct wake-up has been ticked.
  type Cmd =
    | { t: "arrive"; id: number; due: boolean }
    | { t: "progress" }
    | { t: "timeout" }
    | { t: "budget" }
    | { t: "crash" };
  const cmd: fc.Arbitrary<Cmd> = fc.oneof(
    fc.record({ t: fc.constant("arrive" as const), id: fc.nat(12), due: fc.boolean() }),
    fc.constant({ t: "progress" as const }),
    fc.constant({ t: "timeout" as const }),
    fc.constant({ t: "budget" as const }),
    fc.constant({ t: "crash" as const }),
  );

  it("loses no wake-up and ticks none twice, under any interleaving", () => {
    fc.assert(
      fc.property(fc.array(cmd, { maxLength: 80 }), (cmds) => {
        const s = new Store();
        const ticked = new Map<string, number>();
        const offered = new Set<string>();
        let n = 0;
        const step = () => {
          const a = s.view.active;
          if (!a || a.phase === "waiting" || a.phase === "sleeping") return false;
          const r = s.apply(take(s.view, a.instanceId, T));
          if (r.kind !== "wake") return false;
          for (const w of r.wakes) ticked.set(w.wakeId, (ticked.get(w.wakeId) ?? 0) + 1);
          s.apply(
            settle(
              s.view,
              r.wakes.map((w) => w.wakeId),
            ),
          );
          return true;
        };
        for (const c of cmds) {
          const a = s.view.active;
          if (c.t === "arrive") {
            const w = wake(`${c.due ? "due" : "m"}:${c.id}`, c.due ? "due" : "trigger_match");
            const r = s.apply(offer(s.view, w, { known: s.rows.has(w.wakeId), now: 0, newInstanceId: `i${n++}` }));
            if (r.outcome === "accepted") offered.add(w.wakeId);
            // A rung instance wakes up and takes again.
            if (r.delivery === "ring" && a) s.apply(take(s.view, a.instanceId, T));
          } else if (c.t === "progress") step();
          else if (c.t === "timeout" && a?.phase === "waiting") {
            const r = s.apply(end(s.view, a.instanceId, { now: 0, final: false, successorId: `i${n++}` }));
            if (r.kind === "continue") s.apply(take(s.view, a.instanceId, T));
          } else if (c.t === "budget" && a && a.phase !== "sleeping") {
            s.apply(end(s.view, a.instanceId, { now: 0, final: true, successorId: `i${n++}` }));
          } else if (c.t === "crash" && a) {
            s.apply(abandon(s.view, a.instanceId, { now: 0, successorId: `i${n++}` }));
          }
          if (s.view.queue.length > 0) expect(s.view.active).not.toBeNull();
        }
        // Quiescence: the owner runs until it waits with nothing queued.
        for (let guard = 0; guard < 200 && s.view.queue.length > 0; guard++) {
          const a = s.view.active;
          if (a?.phase === "waiting") s.apply(end(s.view, a.instanceId, { now: 0, final: false, successorId: "z" }));
          if (!step() && s.view.active?.phase === "waiting") s.apply(take(s.view, s.view.active.instanceId, T));
        }
        expect(s.view.queue).toEqual([]);
        for (const id of offered) expect(ticked.get(id), id).toBe(1);
        for (const [, count] of ticked) expect(count).toBe(1);
      }),
      { numRuns: 300 },
    );
  });
});
