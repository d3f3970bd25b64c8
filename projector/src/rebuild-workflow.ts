import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from "cloudflare:workers";
import { d1Executor } from "../../shared/src/projections/sql";
import type { ProjectorEnv } from "./env";
import {
  catchUpAndSwap,
  createShadow,
  failRebuild,
  finishShadow,
  type RebuildCursor,
  rebuildChunk,
} from "./rebuild/steps";

/**
 * A projection rebuild as a Cloudflare Workflow: one step to create the shadow tables, one step
 * per chunk of event_log, one to index, one to catch up and swap. Each step's result (the cursor)
 * is persisted by Workflows, so a rebuild interrupted by a Worker restart resumes at its last
 * chunk; every step is retry-safe (see projector/src/rebuild/steps.ts).
 */
export type RebuildParams = { rebuildId: string };

const RETRY = { retries: { limit: 5, delay: "1 second" as const, backoff: "exponential" as const } };

export class ProjectionRebuildWorkflow extends WorkflowEntrypoint<ProjectorEnv, RebuildParams> {
  override async run(event: WorkflowEvent<RebuildParams>, step: WorkflowStep): Promise<RebuildCursor> {
    const { rebuildId } = event.payload;
    const db = d1Executor(this.env.DB);
    const limit = Math.max(100, Number(this.env.REBUILD_CHUNK ?? 2000) || 2000);
    try {
      await step.do("create shadow tables", RETRY, () => createShadow(db, rebuildId));
      let cursor: RebuildCursor = { lastSeq: 0, eventsApplied: 0, done: false };
      for (let i = 0; !cursor.done; i++) {
        const from = cursor;
        // Bulk: monitor_state's match counters are derived once by finishShadow (steps.ts), the mode
        // bench:replay measures; the catch-up after it projects in full.
        cursor = await step.do(`chunk ${i} after seq ${from.lastSeq}`, RETRY, () =>
          rebuildChunk(db, rebuildId, from, limit, { bulk: true }),
        );
      }
      await step.do("index shadow tables", RETRY, () => finishShadow(db, rebuildId));
      const done = cursor;
      const swapped = await step.do("catch up and swap", RETRY, async () => {
        const r = await catchUpAndSwap(db, rebuildId, done, limit);
        return { lastSeq: r.lastSeq, eventsApplied: r.eventsApplied, done: true };
      });
      console.log(
        JSON.stringify({ level: "info", msg: "rebuild complete", rebuildId, eventsApplied: swapped.eventsApplied }),
      );
      return swapped;
    } catch (err) {
      await step.do("record failure", () => failRebuild(db, rebuildId, err));
      throw err;
    }
  }
}
