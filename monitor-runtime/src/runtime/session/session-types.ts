import type { WaitEventType, Wake } from "./wake";

/**
 * The state and decision types of the monitor session decider (session-decider.ts): who owns a
 * workflowId's session, its queue of unconsumed wake-ups, and what each decision writes.
 *
 * @example const d: Decision<OfferResult> = offer(view, wake, ctx);
 */
export type Phase = "starting" | "ticking" | "waiting" | "sleeping";

export interface ActiveSession {
  instanceId: string;
  phase: Phase;
  since: number;
  /** After this time an instance that has not moved on is suspect: verify it still runs. */
  leaseUntil: number;
  waitingOn: WaitEventType | null;
  sleepingUntil: number | null;
}

export interface QueuedWake {
  wake: Wake;
  status: "pending" | "inflight";
}

export interface SessionView {
  workflowId: string;
  active: ActiveSession | null;
  /** Not yet settled wake-ups, oldest first. */
  queue: QueuedWake[];
}

export type WakeWrite =
  | { op: "insert"; wake: Wake; status: "pending" | "done" }
  | { op: "status"; wakeId: string; status: "pending" | "inflight" | "done" };

export interface Decision<R> {
  result: R;
  active: ActiveSession | null;
  writes: WakeWrite[];
}

export const SESSION_LIMITS = {
  // Room for a crash's worth of one workflow's matches: a coalesced tick drains up to maxCoalesced at once.
  maxQueued: 256,
  /** Trigger matches one tick carries at most (the facade's body stays small). */
  maxCoalesced: 100,
  startingLeaseMs: 2 * 60_000,
  tickLeaseMs: 15 * 60_000,
  graceMs: 60_000,
} as const;

export type Delivery = "start" | "ring" | "queued" | "none";
export type OfferResult = {
  outcome: "accepted" | "duplicate" | "coalesced" | "busy";
  delivery: Delivery;
  instanceId: string | null;
  /** The event type to ring a waiting instance with (what it waits on). */
  eventType: WaitEventType | null;
  /** The owning instance is past its lease: the caller verifies it is still alive. */
  stale: boolean;
};

/**
 * `wakes`: what the next tick carries — one wake-up, or every pending trigger match of the session
 * (coalesced, oldest first). Once taken they stay in flight together until settled, so a retried
 * or successor tick carries exactly the same group under the same id.
 */
export type TakeResult = { kind: "superseded" } | { kind: "wake"; wakes: Wake[] } | { kind: "wait" };

/** The outcome of offering several wake-ups of one session at once (one coalesced wake). */
export type OfferAllResult = Omit<OfferResult, "outcome"> & { outcomes: OfferResult["outcome"][] };

export type EndResult =
  | { kind: "superseded" }
  | { kind: "continue" }
  | { kind: "ended" }
  | { kind: "handoff"; instanceId: string };

export type AbandonResult =
  | { kind: "superseded"; instanceId: string | null }
  | { kind: "cleared" }
  | { kind: "restart"; instanceId: string };
