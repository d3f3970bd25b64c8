import { matchIdParts, matchVersionOf } from "../../../../shared/src/ids";

/**
 * DESIGN §3: "an update supersedes older versions everywhere, including in flight". A match made by
 * a monitor version older than the monitor's version now (an update, a disable or a removal since)
 * wakes nothing: notify answers it `{enqueued: false, reason: MONITOR_SUPERSEDED}` like a disabled
 * monitor's, and a session's tick drops it (a wake accepted before the update). It stays recorded:
 * GET …/matches and the match stream still show it, as they show a disabled monitor's.
 *
 * @example isSuperseded("btc~1~01J…", "btc", 2) // true
 */
export const MONITOR_SUPERSEDED = "monitor_superseded";

/** Whether `matchId` was made by a version of `monitorId` older than `currentVersion`; an unversioned matchId never is. */
export function isSuperseded(matchId: string, monitorId: string, currentVersion: number): boolean {
  const made = matchVersionOf(matchId, monitorId);
  return made !== null && made < currentVersion;
}

/** The monitorId a matchIdOf-form matchId names (what to look its version up by), or null. */
export function matchMonitorOf(matchId: string): string | null {
  return matchIdParts(matchId)?.monitorId ?? null;
}

/** The matchIds not superseded, given each monitor's version now (a monitor not in `versions` is unknown: kept). */
export function liveMatchIds(matchIds: readonly string[], versions: ReadonlyMap<string, number>): string[] {
  return matchIds.filter((id) => {
    const made = matchIdParts(id);
    const current = made ? versions.get(made.monitorId) : undefined;
    return made === null || current === undefined || made.version >= current;
  });
}
