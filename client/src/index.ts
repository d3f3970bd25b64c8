/**
 * The fabric's TypeScript client: `new FabricClient({ baseUrl, token })`, the predicate builder
 * and the typed errors. See client/README.md.
 */
export type { Monitors, StreamFilters, Streams } from "./admin";
export { AdminClient, type AdminClientOptions } from "./admin-client";
export type { TimeoutSignal } from "./attempt-deadline";
export { FabricClient, type FabricClientOptions, type MonitorFilters } from "./client";
export type { DeadLetterPage, DeadLetters, ReplayAllOptions, ReplayAllSummary } from "./dead-letters";
export { type Duration, toMs } from "./duration";
export { FabricError, type FabricErrorCode, withFactIndexOffset } from "./errors";
export type * from "./explain";
export type { Clock, FabricAdmin, RebuildOptions } from "./fabric-admin";
export type { MatchStreamOptions, ReconnectInfo } from "./match-stream";
export {
  all,
  any,
  ConditionBuilder,
  CrossingBuilder,
  edge,
  FieldBuilder,
  type FieldOf,
  type FirePolicyInput,
  level,
  not,
  once,
  type PredicateLike,
  price,
  StreamBuilder,
  type Subject,
  stream,
  toPredicate,
} from "./predicate";
export { type PushOptions, type PushResult, splitBodies } from "./push";
export type { RetryOptions } from "./retry";
export type { FetchLike, RefusedHook } from "./transport";
export type * from "./types";
