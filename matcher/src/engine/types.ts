import type { MatchCore, MonitorIdentity, TriggerEvent } from "../../../shared/src/contract/trigger-match";
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

export type { Match, MatchCore, MonitorIdentity, TriggerEvent } from "../../../shared/src/contract/trigger-match";

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
