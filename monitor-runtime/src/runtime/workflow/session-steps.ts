import type { RuntimeEnv } from "../../env";
import { mirrorSession, portfolioAgent } from "../delivery/agents";
import { createInstance } from "../delivery/instances";
import { successorIdOf } from "../ids";
import type { LastTick } from "../session/session-store";
import type { WaitEventType } from "../session/wake";
import { type TickWork, tickWorkOf } from "../session/wake-group";
import type { TickResult } from "../tick/tick-types";
import type { TickWorkflowParams } from "../tick-workflow-params";

/** What a take answers: the next tick's work, or wait (nothing queued), or superseded (not the owner). */
export type Taken = { kind: "superseded" } | { kind: "wait" } | { kind: "wake"; work: TickWork };

function lastTickOf(work: TickWork, tick: TickResult | null): LastTick | null {
  return (
    tick && {
      tickId: tick.tickId,
      wakeId: work.requestId,
      reason: tick.reason,
      tickedAt: tick.tickedAt,
      tickCount: tick.tickCount,
      nextDueAt: tick.nextDueAt,
      waitFor: tick.waitFor,
    }
  );
}

/**
 * What a workflow instance asks of its session, one call per workflow step. Each call goes to the
 * owning PortfolioAgent (one transaction) and copies the resulting session state to the UserAgent
 * and the linked portfolio's PortfolioAgent, so the step is idempotent: a retried step repeats the
 * same decision or finds it already made.
 *
 * @example const taken = await step.do("take-0", () => steps.take("trigger_matched", 3_600_000));
 */
export class SessionSteps {
  constructor(
    private readonly env: RuntimeEnv,
    private readonly params: TickWorkflowParams,
    private readonly instanceId: string,
  ) {}

  private get agent() {
    return portfolioAgent(this.env, this.params.home);
  }

  /** The next tick's work (one wake-up, or every pending trigger match coalesced), or wait / superseded. */
  async take(waitFor: WaitEventType, timeoutMs: number): Promise<Taken> {
    const { result, mirror } = await this.agent.take(
      this.params.workflowId,
      this.instanceId,
      waitFor,
      Date.now() + timeoutMs,
    );
    await mirrorSession(this.env, mirror);
    return result.kind === "wake" ? { kind: "wake", work: await tickWorkOf(result.wakes) } : result;
  }

  /**
   * The tick of `work` is recorded: settle it and take the next work in one agent call (one
   * transaction, one mirror), the step after every tick. It is `settle` then `take`, and as
   * idempotent as each: a retried step finds the wake-ups settled and the next group in flight.
   */
  async settleAndTake(work: TickWork, tick: TickResult | null, waitFor: WaitEventType, timeoutMs: number) {
    const { result, mirror } = await this.agent.settleAndTake(
      this.params.workflowId,
      work.wakeIds,
      lastTickOf(work, tick),
      {
        instanceId: this.instanceId,
        waitFor,
        waitUntil: Date.now() + timeoutMs,
      },
    );
    await mirrorSession(this.env, mirror);
    return result.kind === "wake" ? { kind: "wake" as const, work: await tickWorkOf(result.wakes) } : result;
  }

  async sleep(ms: number) {
    const { result, mirror } = await this.agent.sleep(this.params.workflowId, this.instanceId, Date.now() + ms);
    await mirrorSession(this.env, mirror);
    return result;
  }

  async end(final: boolean) {
    const successorId = await successorIdOf(this.params.workflowId, this.instanceId);
    const { result, mirror } = await this.agent.end(this.params.workflowId, this.instanceId, final, successorId);
    await mirrorSession(this.env, mirror);
    return result;
  }

  /** Start the instance this one handed its session to ("already exists" = already started). */
  async startSuccessor(successorId: string) {
    return createInstance(this.env, successorId, this.params);
  }
}
