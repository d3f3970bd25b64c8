import type { SqlExecutor } from "../../../shared/src/projections/sql";
import { failRebuildStatement } from "./shadow";

/**
 * A rebuild row says 'running' until its workflow records the swap or a failure. If the workflow
 * never started (the fabric died between recording the rebuild and creating it) or ended without
 * recording either, the row would stay 'running' for good, and the one-running-rebuild index
 * would refuse every later rebuild with 409. The routes ask the workflow instance first and
 * record such a rebuild as failed, with the reason.
 *
 * A row younger than START_GRACE_MS is never taken for an orphan: its POST may still be creating
 * the instance.
 *
 * @example if (await settleOrphan(db, row, (id) => instanceStatus(env, id))) … // now 'failed'
 */
export const START_GRACE_MS = 60_000;

/** The instance's status name, or "not_found" when Workflows holds no such instance. */
export type InstanceStatus = string;

const ENDED = new Set(["complete", "errored", "terminated"]);

/** Why a 'running' rebuild will never finish, or undefined while it may still (see above). */
export function orphanReason(startedAt: number, status: InstanceStatus, now: number): string | undefined {
  if (status === "not_found") {
    if (now - startedAt < START_GRACE_MS) return undefined;
    return "its rebuild workflow was never started (the fabric stopped before creating it); start a new rebuild";
  }
  if (ENDED.has(status))
    return `its rebuild workflow ended (${status}) without recording a result; start a new rebuild`;
  return undefined;
}

/** Records the rebuild as failed when orphanReason says it will never finish; true if it did. */
export async function settleOrphan(
  db: SqlExecutor,
  row: { rebuildId: string; startedAt: number },
  statusOf: (rebuildId: string) => Promise<InstanceStatus>,
  now = Date.now(),
): Promise<boolean> {
  const reason = orphanReason(row.startedAt, await statusOf(row.rebuildId), now);
  if (reason === undefined) return false;
  await db.batch([failRebuildStatement(row.rebuildId, reason, now)]);
  return true;
}

/** The status of a rebuild's workflow instance through the binding ("not_found" if none). */
export async function instanceStatus(
  workflow: Workflow<{ rebuildId: string }>,
  rebuildId: string,
): Promise<InstanceStatus> {
  let instance: WorkflowInstance;
  try {
    instance = await workflow.get(rebuildId);
  } catch (err) {
    // Only a definite "no such instance" counts: taking a live rebuild for an orphan would let a
    // second one share its shadow tables.
    if (/not.?found/i.test(String(err))) return "not_found";
    throw err;
  }
  return (await instance.status()).status;
}
