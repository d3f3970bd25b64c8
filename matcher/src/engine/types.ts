import type { AcceptedFact } from "../../../shared/src/facts";
import { matchIdOf } from "../../../shared/src/ids";
import type { MonitorDefinition } from "../../../shared/src/monitor";

/**
 * The vocabulary shared by the reference evaluator, the indexed engine, the shard core and the router.
 *
 * @example const ops: Op[] = [{ type: "upsert", def }, { type: "fact", fact }];
 */

/** One step of a matcher's input: a monitor registered/updated, removed, or a fact delivered. */
export type Op =
  | { type: "upsert"; def: MonitorDefinition }
  | { type: "remove"; monitorId: string }
  | { type: "fact"; fact: AcceptedFact };

/** The fact that caused a match, as it is handed to notify-trigger-match. */
export type TriggerEvent = Pick<AcceptedFact, "kind" | "subject" | "observedAt" | "data" | "eventId">;

/**
 * A match as the indexed engine reports it: one monitor version fired on one fact (matchId is
 * deterministic). The engine keeps no copy of who the monitor belongs to: a million workflow ids
 * and owners would be a third of its memory. The shard joins them from its monitors table when
 * it records the match (see ShardStore.addToOutbox).
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

export function identityOf(def: MonitorDefinition): MonitorIdentity {
  return { workflowId: def.workflowId, ownerUserId: def.ownerUserId, portfolioId: def.linkedPortfolioIds[0] ?? null };
}

/** One sample of a (stream, field) series. */
export type Sample = { observedAt: number; value: number };

/**
 * Where the engine gets older samples of a series when it needs more than it retained: the applied
 * (non-stale) samples of `field` on `streamKey`, in applied order, starting at the newest sample
 * with observedAt ≤ fromObservedAt (or at the first sample when there is none), through the latest.
 *
 * @example history("market_price:BTC-USD", "price", Number.POSITIVE_INFINITY) // just the latest sample
 */
export type HistoryFn = (streamKey: string, field: string, fromObservedAt: number) => Sample[];

/** The trigger event a match carries: the causing fact without its ingest-only fields. */
export function triggerEventOf(fact: AcceptedFact): TriggerEvent {
  return {
    kind: fact.kind,
    subject: fact.subject,
    observedAt: fact.observedAt,
    data: fact.data,
    eventId: fact.eventId,
  } as TriggerEvent;
}

/** The match the indexed engine emits when monitor `monitorId` at `version` fires on `fact`. */
export function matchCoreOf(monitorId: string, version: number, fact: AcceptedFact): MatchCore {
  return {
    matchId: matchIdOf(monitorId, version, fact.eventId),
    monitorId,
    monitorVersion: version,
    eventId: fact.eventId,
    observedAt: fact.observedAt,
    streamKey: fact.streamKey,
    triggerEvent: triggerEventOf(fact),
  };
}
