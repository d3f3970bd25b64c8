import type { AdminScope } from "../../shared/src/http/admin-scopes";
import type { MonitorBody } from "../../shared/src/monitor";
import type { FirePolicyInput, PredicateLike } from "./predicate";

export type {
  BacktestMatch,
  DeadLetterQueue,
  MatchRead as Match,
  MonitorRead as Monitor,
  MonitorState,
  MonitorStatus,
  RebuildStatus,
  StoredFact,
  StreamRead,
} from "../../shared/src/contract/reads";
export type { TriggerEvent } from "../../shared/src/contract/trigger-match";

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

export type DeadLetter = Record<string, unknown> & { id: string };

/** A time as the API takes it: RFC 3339 with an offset, epoch ms, or a Date. */
export type TimeInput = string | number | Date;

export function timeParam(t: TimeInput | undefined): string | number | undefined {
  if (t === undefined) return undefined;
  return t instanceof Date ? t.getTime() : t;
}

/**
 * What POST /v1/admin/deliveries/retry answers: undelivered matches that were waiting out a backoff
 * and are now due (`madeDue`), and those undelivered after the call, fabric-wide and per shard.
 */
export type DeliveryRetryResult = {
  madeDue: number;
  undelivered: number;
  shards: { shard: number; madeDue: number; undelivered: number }[];
};

/** What GET /v1/admin/whoami answers: the token's scopes, and its ADMIN_TOKENS entry's name if any. */
export type Whoami = { scopes: AdminScope[]; name?: string };
export type { AdminScope };

/**
 * A fact of a push answered as a duplicate although its content differs from the fact recorded
 * under its dedupeKey: it was not recorded. `index` is the fact's position in the caller's array,
 * `eventId` the recorded fact's. Usually a key that is not unique per fact (e.g. `symbol:minute`).
 */
export type PushConflict = { index: number; dedupeKey: string; eventId: string };
