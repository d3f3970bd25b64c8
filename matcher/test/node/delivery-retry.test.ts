import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Match } from "../../../shared/src/contract/trigger-match";
import { retryAnswer } from "../../src/delivery-retry";
import { notifyHint } from "../../src/notify-hint";
import { MemoryOutbox } from "../../src/shard/memory-outbox";
import type { NotifyOutcome } from "../../src/shard/storage-port";

const match = (i: number) => ({ matchId: `m${i}~1~ev${i}` }) as Match;

/** An outbox of `n` entries at t=0, settled by `fates`: delivered, dropped (refused), or backed off until `until`. */
type Fate = { kind: "delivered" } | { kind: "refused" } | { kind: "backoff"; until: number } | { kind: "due" };

function outboxWith(fates: Fate[]): MemoryOutbox {
  const outbox = new MemoryOutbox();
  for (let i = 0; i < fates.length; i++) outbox.add(match(i), 0);
  outbox.recordOutcomes(
    fates.flatMap((f, i): NotifyOutcome[] => {
      const matchId = match(i).matchId;
      if (f.kind === "due") return [];
      if (f.kind === "backoff")
        return [{ matchId, deliveredAt: null, attempts: 3, nextAttemptAt: f.until, note: "status 401" }];
      return [
        { matchId, deliveredAt: 5, attempts: 1, nextAttemptAt: 0, note: f.kind === "refused" ? "rejected 404" : null },
      ];
    }),
    [],
  );
  return outbox;
}

const fateArb: fc.Arbitrary<Fate> = fc.oneof(
  fc.constant<Fate>({ kind: "delivered" }),
  fc.constant<Fate>({ kind: "refused" }),
  fc.constant<Fate>({ kind: "due" }),
  fc.integer({ min: 1, max: 300_000 }).map<Fate>((until) => ({ kind: "backoff", until })),
);

describe("retry now (OutboxStore.makeDue)", () => {
  it("makes exactly the backed-off undelivered entries due now, leaves delivered and dropped ones, and a repeat moves nothing", () => {
    fc.assert(
      fc.property(fc.array(fateArb, { maxLength: 30 }), fc.integer({ min: 0, max: 300_000 }), (fates, now) => {
        const outbox = outboxWith(fates);
        const waiting = fates.filter((f) => f.kind === "backoff" && f.until > now).length;
        const undelivered = fates.filter((f) => f.kind === "backoff" || f.kind === "due").length;
        expect(outbox.makeDue(now)).toBe(waiting);
        // Every undelivered entry is due now; nothing delivered or refused comes back.
        const due = outbox.due(now, 1000);
        expect(due).toHaveLength(undelivered);
        // The backoff starts over: those moved are at attempt 0 (those already due keep theirs).
        const neverTried = fates.filter((f) => f.kind === "due").length;
        expect(due.filter((r) => r.attempts === 0)).toHaveLength(waiting + neverTried);
        expect(outbox.backlog(now).outboxBacklog).toBe(undelivered);
        expect(outbox.makeDue(now)).toBe(0);
      }),
    );
  });
});

describe("the retry route's answer", () => {
  it("numbers the shards in order and sums what each made due and still holds", () => {
    expect(
      retryAnswer([
        { madeDue: 3, undelivered: 4 },
        { madeDue: 0, undelivered: 0 },
        { madeDue: 2, undelivered: 2 },
      ]),
    ).toEqual({
      madeDue: 5,
      undelivered: 6,
      shards: [
        { shard: 0, madeDue: 3, undelivered: 4 },
        { shard: 1, madeDue: 0, undelivered: 0 },
        { shard: 2, madeDue: 2, undelivered: 2 },
      ],
    });
  });
});

describe("what the delivery hints tell an operator to do once the cause is fixed", () => {
  it("names the retry action, not a wait, for a refused token, no answer and a failing runtime", () => {
    for (const status of [401, 403, 0, 500, 503])
      expect([status, notifyHint(status)]).toEqual([status, expect.stringContaining("fabric deliveries retry")]);
  });
});
