import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EFFECTS, type Effect, EffectRunner, type PendingEvent } from "../../src/registry/effect-runner";

/**
 * The registry's effect runner against a model of what "indexed" does (index-in-shards.ts): copy
 * the followed streams (RPCs), set the monitor's follows in the follower table (a plain replace,
 * not versioned), upsert the version on its home shard and remove it from the previous home
 * (both versioned: a shard ignores an older version). A MonitorRegistry runs effects from each
 * command and from its alarm, and a Durable Object lets a second request in while the first
 * awaits an RPC: runs overlap. fc.scheduler resolves every RPC of both runs in any order.
 */
type Version = { eventId: string; version: number; home: number; follows: string[] };

const versionOf = (v: number): Version => ({
  eventId: `e${v}`,
  version: v,
  home: v % 3,
  follows: [`market_price:F${v}`],
});

function model(s: fc.Scheduler) {
  const log: PendingEvent<Version>[] = [];
  const record = (v: Version) =>
    log.push({ eventId: v.eventId, event: v, done: { indexed: false, projected: false, published: false } });
  let follows: { home: number; keys: string[] } | undefined;
  /** shard → version held (negative: a removal tombstone at that version). */
  const shards = new Map<number, Map<string, number>>();
  const held = (n: number) => shards.get(n) ?? shards.set(n, new Map()).get(n) ?? new Map<string, number>();
  const step = (label: string) => s.schedule(Promise.resolve(), label);
  const apply = async (effect: Effect, e: Version) => {
    if (effect !== "indexed") return step(effect);
    const before = log
      .map((r) => r.event)
      .filter((x) => x.version < e.version)
      .at(-1);
    await step(`v${e.version} copy`);
    follows = { home: e.home, keys: e.follows };
    await step(`v${e.version} catch up`);
    const home = held(e.home);
    if (Math.abs(home.get("m") ?? 0) < e.version) home.set("m", e.version);
    await step(`v${e.version} upsert`);
    if (before && before.home !== e.home) {
      const old = held(before.home);
      if (Math.abs(old.get("m") ?? 0) <= e.version) old.set("m", -e.version);
    }
  };
  const runner = new EffectRunner<Version>({
    pending: () => log.filter((r) => EFFECTS.some((x) => !r.done[x])),
    apply,
    markDone: (eventId, effect) => {
      const row = log.find((r) => r.eventId === eventId);
      if (row) row.done[effect] = true;
    },
  });
  return { record, runner, state: () => ({ follows, shards, log }) };
}

describe("registry effects of overlapping runs (command and alarm, or two commands)", () => {
  it("leave the follower table, and the shards, at the latest version (property)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.integer({ min: 2, max: 4 }), async (s, versions) => {
        const { record, runner, state } = model(s);
        record(versionOf(1));
        const runs: Promise<void>[] = [runner.run()];
        // Each later version is a command recorded while earlier runs may still await RPCs.
        s.scheduleSequence(
          Array.from({ length: versions - 1 }, (_, i) => async () => {
            record(versionOf(i + 2));
            runs.push(runner.run());
          }),
        );
        await s.waitIdle();
        await Promise.all(runs);
        const latest = versionOf(versions);
        const { follows, shards, log } = state();
        expect(follows).toEqual({ home: latest.home, keys: latest.follows });
        const live = [...shards.entries()].filter(([, m]) => (m.get("m") ?? 0) > 0);
        expect(live).toEqual([[latest.home, new Map([["m", versions]])]]);
        expect(log.every((r) => EFFECTS.every((x) => r.done[x]))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
