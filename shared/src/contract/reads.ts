import type { MonitorDefinition } from "../monitor";
import type { Match } from "./trigger-match";

/**
 * What the registry's read routes answer (README "API"; the OpenAPI document has the same shapes),
 * typed once for the monitor runtime that serves them, the client library and the console.
 *
 * @example const m = (await res.json()) as MonitorRead; if (m.status === "expired") …
 */
export type MonitorState = {
  matchCount: number;
  lastMatchId: string | null;
  lastMatchedAt: number | null;
  tickCount: number;
  lastTickAt: number | null;
  lastTickReason: string | null;
};

/**
 * `expired` once wall-clock time has reached expiresAt (whether or not monitor_expired is recorded
 * yet: the cron records it within a minute), else `disabled` when `enabled` is false or a `once`
 * monitor's version in force has matched (DESIGN §3: disabled after the first fire), else `active`.
 */
export type MonitorStatus = "active" | "disabled" | "expired";

/** `GET /v1/monitors/{id}` and each row of the list: the definition (expiresAt in epoch ms), status, state. */
export type MonitorRead = MonitorDefinition & { status: MonitorStatus; state: MonitorState };

/** A match as `GET /v1/monitors/{id}/matches` and the match stream show it. */
export type MatchRead = Omit<Match, "streamKey" | "ownerUserId">;

/** A match as a backtest reports it: also the stream it fired on and the monitor's owner. */
export type BacktestMatch = Match;

/** A fact as `GET /v1/streams/{kind}/facts` answers it. */
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

/**
 * A stream as `GET /v1/streams` lists it: its key, kind and subject, its stored facts (stale ones
 * included), the event time its applied facts span (epoch ms; null: none applied), and how many
 * monitors read it (those `GET /v1/monitors?stream=` lists).
 */
export type StreamRead = {
  streamKey: string;
  kind: string;
  subject: Record<string, string>;
  facts: number;
  firstObservedAt: number | null;
  lastObservedAt: number | null;
  monitors: number;
};

export const DEAD_LETTER_QUEUES = ["facts", "events", "wakes"] as const;
export type DeadLetterQueue = (typeof DEAD_LETTER_QUEUES)[number];

/** `GET /v1/admin/projections/rebuild/{rebuildId}`. */
export type RebuildStatus = {
  rebuildId: string;
  status: "running" | "complete" | "failed";
  eventsApplied: number;
  startedAt: number;
  completedAt?: number;
  error?: string;
};
