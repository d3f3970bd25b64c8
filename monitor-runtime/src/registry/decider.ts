import { canonicalJson } from "../../../shared/src/canonical-json";
import type {
  EventDraft,
  MonitorExpired,
  MonitorRegistered,
  MonitorRemoved,
  MonitorUpdated,
} from "../../../shared/src/events";
import type { MonitorBody, MonitorDefinition } from "../../../shared/src/monitor";
import type { ProblemCode } from "../../../shared/src/problem";

/**
 * The monitor registry as a pure decider (emmett style): `decide(command, state)` → event drafts
 * or a typed domain error, `evolve(state, event)` → state, `initialState()`.
 * The shell loads the state (by folding the monitor's events, or from its own row), calls
 * `decide`, stamps the drafts with `stamp()` and persists/emits them.
 *
 * @example
 * const result = execute({ type: "register_or_update", monitorId: "m1", body }, state);
 * if (!result.ok) throw new ProblemError(problem(result.error.code, result.error.detail));
 */

export type RegistryEvent = MonitorRegistered | MonitorUpdated | MonitorRemoved | MonitorExpired;
export type RegistryEventDraft = EventDraft<RegistryEvent>;

/**
 * `version` keeps growing across remove and re-register, so (monitorId, version) never repeats.
 * `expiredVersion` is the version a monitor_expired was recorded for (expiry sets no new version).
 */
export type RegistryState = {
  status: "absent" | "active" | "removed";
  version: number;
  definition?: MonitorDefinition;
  expiredVersion?: number;
};

/** `expire` records monitor_expired once wall-clock `now` has reached the live version's expiresAt. */
export type RegistryCommand =
  | { type: "register_or_update"; monitorId: string; body: MonitorBody; expectedVersion?: number }
  | { type: "remove"; monitorId: string; expectedVersion?: number }
  | { type: "expire"; monitorId: string; now: number };

/** A domain error; `code` is a ProblemCode, so `problem(code, detail)` gives its HTTP status. */
export type RegistryError = {
  code: Extract<ProblemCode, "precondition_failed" | "not_found">;
  detail: string;
  currentVersion: number;
};

export function initialState(): RegistryState {
  return { status: "absent", version: 0 };
}

export function isRegistryError(x: RegistryEventDraft[] | RegistryError): x is RegistryError {
  return !Array.isArray(x);
}

/** The definition a body describes at a version (drops the transport-only expectedVersion). */
export function definitionOf(monitorId: string, version: number, body: MonitorBody): MonitorDefinition {
  const { expectedVersion: _ignored, ...rest } = body;
  return { ...rest, monitorId, version };
}

function sameDefinition(a: MonitorDefinition, b: MonitorDefinition): boolean {
  return canonicalJson({ ...a, version: 0 }) === canonicalJson({ ...b, version: 0 });
}

export function decide(command: RegistryCommand, state: RegistryState): RegistryEventDraft[] | RegistryError {
  const { monitorId } = command;
  // Absent or removed monitors have no live version: expectedVersion 0 means "create only".
  const liveVersion = state.status === "active" ? state.version : 0;
  const base = { aggregateType: "monitor" as const, aggregateId: monitorId, schemaVersion: 1 as const };

  if (command.type === "expire") {
    const expiresAt = state.definition?.expiresAt;
    const live = state.status === "active" && expiresAt !== undefined && expiresAt <= command.now;
    // Once per version: a second scan, or one after an update that moved expiresAt on, is a no-op.
    if (!live || state.expiredVersion === state.version) return [];
    return [
      {
        ...base,
        type: "monitor_expired",
        aggregateVersion: state.version,
        data: { monitorId, version: state.version, expiresAt },
      },
    ];
  }

  if (command.type === "remove") {
    if (state.status === "absent") return notFound(monitorId, state);
    // A retried DELETE is a no-op, not a 404: the monitor is already gone.
    if (state.status === "removed") return [];
    if (command.expectedVersion !== undefined && command.expectedVersion !== liveVersion) {
      return stale(monitorId, command.expectedVersion, state);
    }
    const version = state.version + 1;
    return [{ ...base, type: "monitor_removed", aggregateVersion: version, data: { monitorId } }];
  }

  const expected = command.expectedVersion ?? command.body.expectedVersion;
  const current = state.definition;
  // Identical re-PUT (a retry): the desired state already holds, whatever version it was based on.
  if (state.status === "active" && current && sameDefinition(current, definitionOf(monitorId, 0, command.body))) {
    return [];
  }
  if (expected !== undefined && expected !== liveVersion) return stale(monitorId, expected, state);

  const version = state.version + 1;
  const definition = definitionOf(monitorId, version, command.body);
  const type = state.status === "active" ? "monitor_updated" : "monitor_registered";
  return [{ ...base, type, aggregateVersion: version, data: definition }];
}

export function evolve(state: RegistryState, event: RegistryEvent | RegistryEventDraft): RegistryState {
  if (event.type === "monitor_expired") {
    // It marks the version it names, and only while that version is the live one.
    const current = state.status === "active" && event.aggregateVersion === state.version;
    return current ? { ...state, expiredVersion: event.aggregateVersion } : state;
  }
  // Versions only grow: a redelivered or out-of-order older event changes nothing.
  if (event.aggregateVersion <= state.version) return state;
  switch (event.type) {
    case "monitor_registered":
    case "monitor_updated":
      return { status: "active", version: event.aggregateVersion, definition: event.data };
    case "monitor_removed":
      return { status: "removed", version: event.aggregateVersion, definition: state.definition };
  }
}

export type RegistryOutcome =
  | { ok: true; events: RegistryEventDraft[]; state: RegistryState; version: number; created: boolean }
  | { ok: false; error: RegistryError };

/**
 * decide + evolve, with what the HTTP layer needs: the resulting version (the current one for a
 * no-op retry) and whether this created the monitor (201) or changed/kept it (200).
 */
export function execute(command: RegistryCommand, state: RegistryState): RegistryOutcome {
  const decided = decide(command, state);
  if (isRegistryError(decided)) return { ok: false, error: decided };
  const next = decided.reduce(evolve, state);
  const created = decided.some((e) => e.type === "monitor_registered");
  return { ok: true, events: decided, state: next, version: next.version, created };
}

function notFound(monitorId: string, state: RegistryState): RegistryError {
  return { code: "not_found", detail: `monitor ${monitorId} not found`, currentVersion: state.version };
}

function stale(monitorId: string, expected: number, state: RegistryState): RegistryError {
  const live = state.status === "active" ? state.version : 0;
  return {
    code: "precondition_failed",
    detail:
      live === 0
        ? `monitor ${monitorId} does not exist (never created, or removed), so it is not at version ${expected}; expectedVersion 0 creates it`
        : `monitor ${monitorId} is at version ${live}, not ${expected}: it changed after you read it; read it again (GET /v1/monitors/${monitorId}) and, if your change still applies, send it with expectedVersion ${live}`,
    currentVersion: live,
  };
}
