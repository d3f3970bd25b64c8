/**
 * Answers recorded from a dev fabric (`npm run dev`, 2026-12-05): GET /v1/admin/stats after the
 * README walkthrough (a monitor, two facts, one match), and GET /v1/admin/dead-letters/<queue> after
 * dead letters were written into D1 and two of them replayed (each replay of a malformed body was
 * dead-lettered again by its consumer, with the consumer's own reason). The facts and wakes lists
 * leave out `body`; the events list carries it.
 */
export const RECORDED_AT = 1796501330000;

const idleShard = (shard: number) => ({
  shard,
  factsApplied: 0,
  factsStale: 0,
  duplicates: 0,
  matches: 0,
  outboxBacklog: 0,
  oldestUndeliveredAgeMs: null,
  monitors: 0,
  factLogSize: 0,
  factsSinceCheckpoint: 0,
});

export const STATS = {
  totals: { factsApplied: 2, factsStale: 0, duplicates: 0, matches: 1, outboxBacklog: 0, oldestUndeliveredAgeMs: null },
  shards: [
    // Shards 0–6 saw nothing: the walkthrough's one stream lives on shard 7.
    ...Array.from({ length: 7 }, (_, shard) => idleShard(shard)),
    {
      shard: 7,
      factsApplied: 2,
      factsStale: 0,
      duplicates: 0,
      matches: 1,
      outboxBacklog: 0,
      oldestUndeliveredAgeMs: null,
      monitors: 1,
      factLogSize: 2,
      factsSinceCheckpoint: 2,
    },
  ],
  queues: {
    events: { lagMs: 67, lastBatchSize: 1, lastBatchAt: 1796501188838 },
    facts: { lagMs: 55, lastBatchSize: 1, lastBatchAt: 1796501188870 },
    wakes: { lagMs: 65, lastBatchSize: 1, lastBatchAt: 1796501188961 },
  },
  wakes: {
    pending: 0,
    oldestAgeMs: null,
    ratePerSecond: 100,
    heldUntil: null,
    rateLimited: 0,
    sessionWakes: 1,
    coalesced: 0,
  },
  deadLetters: { facts: 2, events: 2, wakes: 2 },
};

export const DEAD_LETTERS = {
  facts: {
    deadLetters: [
      {
        id: "ada981d2177402a98abf47e1bcc0c6c1",
        source_queue: "facts",
        reason: "message is not a v1 facts message",
        attempts: 1,
        failed_at: 1796501209647,
        replayed_at: null,
        replay_count: 0,
      },
      {
        id: "msg-facts-2",
        source_queue: "facts",
        reason:
          "projection failed: D1 unavailable: D1_ERROR: Network connection lost while talking to the database; the consumer retried 5 times with backoff and gave up",
        attempts: 3,
        failed_at: 1796501201000,
        replayed_at: null,
        replay_count: 0,
      },
      {
        id: "msg-facts-1",
        source_queue: "facts",
        reason: "exceeded the queue's max_retries",
        attempts: 6,
        failed_at: 1796497601000,
        replayed_at: 1796501209594,
        replay_count: 1,
      },
    ],
  },
  events: {
    deadLetters: [
      {
        id: "54fe27c18f7cee9876d4ac472c481ad0",
        source_queue: "events",
        reason: "not a v1 events message",
        attempts: 1,
        body: "[146,1,2]",
        failed_at: 1796501209659,
        replayed_at: null,
        replay_count: 0,
      },
      {
        id: "msg-events-2",
        source_queue: "events",
        reason:
          "projection failed: D1 unavailable: D1_ERROR: Network connection lost while talking to the database; the consumer retried 5 times with backoff and gave up",
        attempts: 3,
        body: '{"v":1,"events":[]}',
        failed_at: 1796501201000,
        replayed_at: null,
        replay_count: 0,
      },
      {
        id: "msg-events-1",
        source_queue: "events",
        reason: "exceeded the queue's max_retries",
        attempts: 6,
        body: "[146,1,2]",
        failed_at: 1796497601000,
        replayed_at: 1796501209608,
        replay_count: 1,
      },
    ],
  },
  wakes: {
    deadLetters: [
      {
        id: "msg-wakes-2",
        source_queue: "wakes",
        reason:
          "projection failed: D1 unavailable: D1_ERROR: Network connection lost while talking to the database; the consumer retried 5 times with backoff and gave up",
        attempts: 3,
        failed_at: 1796501201000,
        replayed_at: null,
        replay_count: 0,
      },
      {
        id: "msg-wakes-1",
        source_queue: "wakes",
        reason: "exceeded the queue's max_retries",
        attempts: 6,
        failed_at: 1796497601000,
        replayed_at: null,
        replay_count: 0,
      },
    ],
  },
};
