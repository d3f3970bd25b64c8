import type { MonitorBody, MonitorDefinition } from "../../shared/src/monitor";
import type { FirePolicyInput, PredicateLike } from "./predicate";

/** What the admin routes answer (README "API"; the OpenAPI document has the same shapes). */
export type MonitorState = {
  matchCount: number;
  lastMatchId: string | null;
  lastMatchedAt: number | null;
  tickCount: number;
  lastTickAt: number | null;
  lastTickReason: string | null;
};
export type MonitorStatus = "active" | "disabled" | "expired";
/** A read: the definition (expiresAt in epoch ms), its status and its state. */
export type Monitor = MonitorDefinition & { status: MonitorStatus; state: MonitorState };

/** A monitor body as `monitors.put` takes it: the predicate may be a builder, `fire` partial. */
export type MonitorInput = Omit<
  MonitorBody,
  "predicate" | "fire" | "linkedPortfolioIds" | "enabled" | "expectedVersion" | "expiresAt"
> & {
  predicate: PredicateLike;
  /** RFC 3339 with an offset, or epoch ms. */
  expiresAt?: string | number;
  fire?: FirePolicyInput;
  linkedPortfolioIds?: string[];
  enabled?: boolean;
};

export type TriggerEvent = {
  kind: string;
  subject: Record<string, string>;
  observedAt: number;
  data: Record<string, unknown>;
  eventId: string;
};
export type Match = {
  matchId: string;
  monitorId: string;
  monitorVersion: number;
  eventId: string;
  observedAt: number;
  workflowId: string;
  portfolioId: string | null;
  triggerEvent: TriggerEvent;
};
export type BacktestMatch = Match & { streamKey: string; ownerUserId: string };

export type StoredFact = {
  kind: string;
  subject: Record<string, string>;
  observedAt: number;
  dedupeKey?: string;
  data: Record<string, unknown>;
  eventId: string;
  producerId: string;
  receivedAt: number;
  streamKey: string;
};

export type DeadLetterQueue = "facts" | "events" | "wakes";
export type DeadLetter = Record<string, unknown> & { id: string };

export type RebuildStatus = {
  rebuildId: string;
  status: "running" | "complete" | "failed";
  eventsApplied: number;
  startedAt: number;
  completedAt?: number;
  error?: string;
};

/** A time as the API takes it: RFC 3339 with an offset, epoch ms, or a Date. */
export type TimeInput = string | number | Date;

export function timeParam(t: TimeInput | undefined): string | number | undefined {
  if (t === undefined) return undefined;
  return t instanceof Date ? t.getTime() : t;
}
