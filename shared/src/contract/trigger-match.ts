import type { AcceptedFact } from "../facts";

/**
 * A trigger match as shards record, deliver and backtest it: one monitor version fired on one
 * fact. Its matchId is deterministic (matchIdOf), so every at-least-once hop can drop a repeat.
 *
 * @example { matchId: "m1~1~01K…", monitorId: "m1", monitorVersion: 1, workflowId: "wf_1", … }
 */

/** The fact that caused a match, as it is handed to notify-trigger-match. */
export type TriggerEvent = Pick<AcceptedFact, "kind" | "subject" | "observedAt" | "data" | "eventId">;

/**
 * A match as the indexed engine reports it. The engine keeps no copy of who the monitor belongs
 * to: a million workflow ids and owners would be a third of its memory. The shard joins them
 * from its monitors table when it records the match.
 */
export type MatchCore = {
  matchId: string;
  monitorId: string;
  monitorVersion: number;
  eventId: string;
  observedAt: number;
  streamKey: string;
  triggerEvent: TriggerEvent;
};

/** Who a monitor wakes and belongs to (copied from its definition into each match). */
export type MonitorIdentity = { workflowId: string; ownerUserId: string; portfolioId: string | null };

/** A trigger match as it is recorded and delivered: the engine's match plus the monitor's identity. */
export type Match = MatchCore & MonitorIdentity;
