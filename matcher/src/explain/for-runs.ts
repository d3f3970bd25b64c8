import type { Condition } from "../../../shared/src/predicate";
import type { MonitorStep } from "../engine/reference-observer";
import type { Leaf } from "./leaves";
import { duration, rfc3339 } from "./wording";

/**
 * A run of a for-timer condition: its comparison held at every evaluation from `since` to
 * `lastHeldAt`, and `reached` says whether it was true (held forMs) at one of them.
 */
export type ForRun = { since: number; lastHeldAt: number; reached: boolean };

/**
 * The runs of each for-timer condition, followed evaluation by evaluation through the replay, so
 * the row where a run breaks can say what it ended (a user asking "it was above for 4 of the 5
 * minutes, why no match?"). Read from the reference's steps only: matching is not touched. Carried
 * over a page break with the replay, as a run may start on one page and break on the next.
 *
 * @example const ended = runs.observe(step); ended.get(0) // { since, lastHeldAt, reached: false }
 */
export class ForRuns {
  private readonly open = new Map<number, ForRun>();

  constructor(private readonly leaves: readonly Leaf[]) {}

  /** Follows one evaluation; returns, by leaf index, the runs that this evaluation broke. */
  observe(step: MonitorStep): Map<number, ForRun> {
    const ended = new Map<number, ForRun>();
    for (const c of step.conditions) {
      if ((this.leaves[c.index]?.cond.forMs ?? 0) <= 0) continue;
      const run = this.open.get(c.index);
      if (c.heldSince === null) {
        if (run) ended.set(c.index, run);
        this.open.delete(c.index);
        continue;
      }
      const at = step.fact.observedAt;
      const same = run !== undefined && run.since === c.heldSince;
      this.open.set(c.index, {
        since: c.heldSince,
        // A relative condition's evaluations may go back in event time: keep the latest.
        lastHeldAt: same ? Math.max(run.lastHeldAt, at) : at,
        reached: (same && run.reached) || c.truth,
      });
    }
    return ended;
  }
}

/** What a broken run adds to the breaking row's reason: when it started, how long it held of forMs. */
export function endedRunWords(c: Condition, run: ForRun): string {
  const held = duration(Math.max(0, run.lastHeldAt - run.since));
  const forMs = duration(c.forMs ?? 0);
  return run.reached
    ? `ends a run held since ${rfc3339(run.since)} for ${held} (forMs ${forMs} reached)`
    : `ends a for-timer run started at ${rfc3339(run.since)} after ${held} of ${forMs} (forMs not reached)`;
}
