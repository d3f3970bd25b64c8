import { type Wake, WakeSchema } from "../session/wake";
import { tickWorkOf } from "../session/wake-group";
import type { Taken } from "./session-steps";

/**
 * Step results as today's run loop reads them, including those recorded by older code. A deploy
 * replaces the Workflow's code under running instances, which then replay their recorded steps
 * under the new loop. Up to commit efdb1c2 a take step answered one wake-up, `{kind: "wake",
 * wake}`, not a tick's work, and a settle step answered `{settled}`: that code took the next work
 * in the following take step. Read as they are, the first broke a tick that had not run yet and
 * the second sent the instance to wait with its next wake-up still queued (and, replayed, out of
 * step with the recorded take steps that follow).
 *
 * @example await takenOf({ kind: "wake", wake }) // { kind: "wake", work: { requestId: wake.wakeId, … } }
 */
export async function takenOf(recorded: unknown): Promise<Taken> {
  const old = oldWakeOf(recorded);
  return old ? { kind: "wake", work: await tickWorkOf([old]) } : (recorded as Taken);
}

/** The next work a settle step answered, or null when it answered none (the older `{settled}`): take it in a step. */
export function nextOf(recorded: unknown): Taken | null {
  if (!recorded || typeof recorded !== "object" || !("kind" in recorded)) return null;
  const { kind } = recorded as { kind: unknown };
  return kind === "wake" || kind === "wait" || kind === "superseded" ? (recorded as Taken) : null;
}

function oldWakeOf(recorded: unknown): Wake | undefined {
  if (!recorded || typeof recorded !== "object" || "work" in recorded || !("wake" in recorded)) return undefined;
  const parsed = WakeSchema.safeParse((recorded as { wake: unknown }).wake);
  return parsed.success ? parsed.data : undefined;
}
