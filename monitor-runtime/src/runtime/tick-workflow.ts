import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from "cloudflare:workers";
import { ProblemError } from "../../../shared/src/problem";
import type { RuntimeEnv } from "../env";
import type { WaitEventType } from "./session/wake";
import type { TickWork } from "./session/wake-group";
import { runTick } from "./tick/run-tick";
import { tickSubject } from "./tick/tick-subject";
import { type TickWorkflowParams, TickWorkflowParamsSchema } from "./tick-workflow-params";
import { backoffMs, parseDuration, SESSION_BUDGET, TICK_STEP_CONFIG } from "./workflow/budget";
import { nextOf, takenOf } from "./workflow/recorded-steps";
import { SessionSteps, type Taken } from "./workflow/session-steps";

export type SessionOutcome = { ended: "ended" | "superseded" | "handoff" | "continue"; ticks: number };

/**
 * One monitor session (one workflowId), as a durable loop: take the oldest wake-up from the
 * PortfolioAgent and tick it (built-in executor or facade), or, with none queued, wait for the
 * event the last tick said to wait on (`trigger_matched`, or `execution_completed` while an
 * execution is open). The event only rings the bell: the wake-up itself is always taken from the
 * agent, so one that arrived before the wait, during it, twice, or without a bell at all is ticked
 * exactly once. The instance ends when a wait times out with nothing queued, and hands over to a
 * successor instance after SESSION_BUDGET.iterations rounds.
 */
export class WorkflowMonitorTickWorkflow extends WorkflowEntrypoint<RuntimeEnv, TickWorkflowParams> {
  override async run(event: Readonly<WorkflowEvent<TickWorkflowParams>>, step: WorkflowStep): Promise<SessionOutcome> {
    const params = TickWorkflowParamsSchema.parse(event.payload);
    const steps = new SessionSteps(this.env, params, event.instanceId);
    const timeoutMs = parseDuration(this.env.WAIT_TIMEOUT);
    let waitFor: WaitEventType = "trigger_matched";
    let ticks = 0;
    // After a tick, its settle step already took the next work (one step, not two).
    let next: Taken | null = null;
    for (let i = 0; i < SESSION_BUDGET.iterations; i++) {
      // takenOf/nextOf also read the results recorded by older code (recorded-steps.ts).
      const taken: Taken = next ?? (await takenOf(await step.do(`take-${i}`, () => steps.take(waitFor, timeoutMs))));
      next = null;
      if (taken.kind === "superseded") return { ended: "superseded", ticks };
      if (taken.kind === "wake") {
        const ticked = await this.tick(step, steps, params, event.instanceId, i, taken.work, waitFor, timeoutMs);
        waitFor = ticked.waitFor;
        next = nextOf(ticked.next);
        ticks++;
        continue;
      }
      try {
        await step.waitForEvent(`wait-${i}`, { type: waitFor, timeout: timeoutMs });
      } catch {
        // Timed out. Ending is the agent's call: a wake-up that raced the timeout keeps us going.
        const end = await step.do(`end-${i}`, () => steps.end(false));
        if (end.kind !== "continue") return { ended: end.kind === "handoff" ? "ended" : end.kind, ticks };
      }
    }
    const end = await step.do("handoff", () => steps.end(true));
    if (end.kind === "handoff") {
      const successor = end.instanceId;
      await step.do("start-successor", () => steps.startSuccessor(successor));
    }
    return { ended: end.kind, ticks };
  }

  /**
   * Tick one wake-up, or a coalesced group (one tick that sees every matchId), then settle it and
   * take the next work in one step; after quick in-step retries fail, back off on time (the
   * "sleeping" phase).
   */
  private async tick(
    step: WorkflowStep,
    steps: SessionSteps,
    params: TickWorkflowParams,
    instanceId: string,
    i: number,
    work: TickWork,
    waitFor: WaitEventType,
    timeoutMs: number,
  ): Promise<{ waitFor: WaitEventType; next: Taken }> {
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await step.do(`tick-${i}-${attempt}`, TICK_STEP_CONFIG, async () => {
          try {
            const subject = await tickSubject(this.env.DB, params.workflowId, params.monitorId, work.matchIds);
            // The monitor was removed, or every match the wake carries was made by a version it has
            // moved on from: the wake-up is consumed without a tick.
            if (!subject) return null;
            return await runTick(
              this.env,
              {
                requestId: work.requestId,
                workerId: instanceId,
                workflowId: params.workflowId,
                monitorId: params.monitorId,
                reason: work.reason,
                triggerEvent: work.triggerEvent,
                requestedAt: work.requestedAt,
                ...(subject.matchIds.length > 0 ? { matchIds: subject.matchIds } : {}),
              },
              subject.monitor,
            );
          } catch (err) {
            // The monitor was removed: nothing to tick, the wake-up is consumed without one.
            if (err instanceof ProblemError && err.problem.status === 404) return null;
            throw err;
          }
        });
        const after = result?.waitFor ?? waitFor;
        const next = await step.do(`settle-${i}`, () => steps.settleAndTake(work, result, after, timeoutMs));
        return { waitFor: after, next };
      } catch (err) {
        if (attempt + 1 >= SESSION_BUDGET.tickAttempts) throw err;
        const ms = backoffMs(attempt);
        await step.do(`backoff-${i}-${attempt}`, () => steps.sleep(ms));
        await step.sleep(`sleep-${i}-${attempt}`, ms);
      }
    }
  }
}
