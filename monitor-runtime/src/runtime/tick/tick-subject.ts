import { liveMatchIds, matchMonitorOf } from "../delivery/superseded";
import {
  type MonitorRef,
  monitorVersionsStatement,
  pickMonitor,
  resolveWorkflow,
  toVersions,
  workflowMonitorsStatement,
} from "../store/projections";

/** What a session's tick acts on: the workflow's monitor and the trigger matches still live. */
export type TickSubject = { monitor: MonitorRef; matchIds: string[] };

/**
 * The monitor a session's tick is for, and which of the wake's matchIds it still answers: a match
 * made by a version its monitor has since moved on from (updated, disabled, removed) is dropped,
 * the last point before the workflow acts on it, so a wake accepted before an update does not act
 * on the old predicate (DESIGN §3). Null when there is nothing to tick: the monitor is gone, or
 * every match the wake carried is superseded. One D1 round trip, as resolving the monitor alone.
 *
 * @example const subject = await tickSubject(env.DB, "wf_1", "m1", ["m1~1~01J…"]); // null after an update to v2
 */
export async function tickSubject(
  db: D1Database,
  workflowId: string,
  monitorId: string | undefined,
  matchIds: readonly string[],
): Promise<TickSubject | null> {
  const named = [...new Set(matchIds.flatMap((id) => matchMonitorOf(id) ?? []))];
  if (named.length === 0) {
    const monitor = await resolveWorkflow(db, workflowId, monitorId);
    return monitor && { monitor, matchIds: [...matchIds] };
  }
  const [own, versions] = await db.batch([
    workflowMonitorsStatement(db, workflowId),
    monitorVersionsStatement(db, named),
  ]);
  const monitor = pickMonitor(own?.results ?? [], monitorId);
  if (!monitor) return null;
  const live = liveMatchIds(matchIds, toVersions(versions?.results ?? []));
  if (live.length === 0) return null;
  return { monitor, matchIds: live };
}
