import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Placement } from "../../../shared/src/contract/placement";
import type { LogEntry } from "../../../shared/src/contract/shard-rpc";
import type { AcceptedFact } from "../../../shared/src/facts";
import { COPY_CHUNK, type FollowPorts, followStreams } from "../../src/registry/follow-streams";

/**
 * followStreams against a model of the two shards and the facts consumer. The home applies facts
 * as a shard does: a repeated eventId is dropped, a fact older than the stream's newest applied
 * one is stale (logged, never a sample). The consumer starts routing live facts to the home as soon
 * as the follow is set, at any later step of the registration; the owner keeps logging facts too.
 */
const KEY = "market_price:FAR";
const OWNER = 1;
const HOME = 0;
const place: Placement = {
  home: HOME,
  streams: ["market_price:NEAR", KEY],
  followed: [{ streamKey: KEY, owner: OWNER }],
};

const fact = (i: number, tag: string): AcceptedFact => ({
  kind: "market_price",
  subject: { symbol: "FAR" },
  data: { price: 100 + i },
  observedAt: i * 1000,
  eventId: `${tag}${String(i).padStart(8, "0")}`,
  producerId: "p",
  receivedAt: i * 1000,
  streamKey: KEY,
});

type Run = { historyLength: number; gapFacts: number; liveAt: number[] };

function model(run: Run) {
  const ownerLog: LogEntry[] = [];
  const log = (f: AcceptedFact) => ownerLog.push({ seq: ownerLog.length + 1, fact: f });
  for (let i = 0; i < run.historyLength; i++) log(fact(i, "h"));
  const home = { seen: new Set<string>(), latest: Number.NEGATIVE_INFINITY, stale: new Set<string>(), applied: 0 };
  const apply = (f: AcceptedFact) => {
    if (home.seen.has(f.eventId)) return;
    home.seen.add(f.eventId);
    if (f.observedAt < home.latest) home.stale.add(f.eventId);
    else home.latest = f.observedAt;
    home.applied++;
  };
  let followed = false;
  let step = 0;
  let next = run.historyLength;
  let gaps = 0;
  // Each port call is a step; once followed, the consumer may deliver a live fact before it.
  const tick = () => {
    step++;
    if (!followed && gaps < run.gapFacts) {
      log(fact(next++, "g")); // logged on the owner, routed before the follow: the home never gets it live
      gaps++;
    }
    if (followed && run.liveAt.includes(step)) {
      const live = fact(next++, "l");
      log(live);
      apply(live);
    }
  };
  const limits: number[] = [];
  const ports: FollowPorts = {
    readLog: async (owner, streamKey, afterSeq, limit) => {
      tick();
      expect([owner, streamKey]).toEqual([OWNER, KEY]);
      limits.push(limit);
      return ownerLog.filter((e) => e.seq > afterSeq).slice(0, limit);
    },
    importFacts: async (follower, facts) => {
      tick();
      expect(follower).toBe(HOME);
      for (const f of facts) apply(f);
    },
    setFollows: async (at, keys) => {
      tick();
      expect([at, keys]).toEqual([HOME, [KEY]]);
      followed = true;
    },
  };
  return { ports, home, ownerLog, limits };
}

const runs = fc.record({
  historyLength: fc.integer({ min: 0, max: 2 * COPY_CHUNK + 10 }),
  gapFacts: fc.integer({ min: 0, max: 3 }),
  liveAt: fc.array(fc.integer({ min: 1, max: 12 }), { maxLength: 4 }),
});

describe("following another shard's stream (copy, follow, catch up)", () => {
  it("applies the whole history as samples, whenever live facts start arriving, and loses no fact of the owner (property)", async () => {
    await fc.assert(
      fc.asyncProperty(runs, async (run) => {
        const { ports, home, ownerLog, limits } = model(run);
        await followStreams(ports, place, true);
        for (let i = 0; i < run.historyLength; i++) expect(home.stale.has(fact(i, "h").eventId)).toBe(false);
        // Every fact the owner logged reached the home once: as a sample, or (a gap fact overtaken
        // by a live one) logged stale.
        expect(home.applied).toBe(ownerLog.length);
        expect([...home.seen].sort()).toEqual(ownerLog.map((e) => e.fact.eventId).sort());
        expect(limits.every((l) => l === COPY_CHUNK)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it("copies in chunks: a history of two and a half chunks takes three reads with facts", async () => {
    const { ports, home, limits } = model({ historyLength: Math.floor(2.5 * COPY_CHUNK), gapFacts: 0, liveAt: [] });
    await followStreams(ports, place, true);
    expect(home.applied).toBe(Math.floor(2.5 * COPY_CHUNK));
    // 3 reads with facts and one empty read before the follow, one empty catch-up read after it.
    expect(limits).toHaveLength(5);
  });

  it("does not write the follower table when told not to (no version follows anything)", async () => {
    const { ports } = model({ historyLength: 0, gapFacts: 0, liveAt: [] });
    const calls: string[] = [];
    await followStreams(
      { ...ports, setFollows: async () => calls.push("setFollows") },
      { ...place, followed: [] },
      false,
    );
    expect(calls).toEqual([]);
  });
});
