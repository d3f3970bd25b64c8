import { z } from "zod";
import { ExecutionIdsSchema, type TriggerEvent } from "../../../../shared/src/events";
import type { WaitEventType } from "../session/wake";
import type { MonitorRef } from "../store/projections";

/**
 * One monitor tick: what is asked (`TickRequest`), what an executor decides (`TickOutcome`), and
 * what the runtime answers once the tick is a domain event (`TickResult`).
 *
 * @example const outcome = await executor.tick(monitor, request); // built in, or the facade
 */
export interface TickRequest {
  /** Idempotency key of this tick (the wake-up id, or the caller's requestId). */
  requestId: string;
  workerId: string;
  workflowId: string;
  monitorId?: string;
  reason: string;
  triggerEvent?: TriggerEvent;
  /**
   * Every trigger match this tick carries (reason "trigger_match"): a coalesced wake carries all the
   * matches pending for the workflow, so one tick sees them all. Optional: absent, a tick is as seed
   * 000 defines it.
   */
  matchIds?: string[];
  /**
   * When the cause arrived (a wake-up's receivedAt): the time part of the tick's event id, so it
   * must be stable across retries. Absent (a direct /tick call has no stable time): 0.
   */
  requestedAt?: number;
}

export const TickOutcomeSchema = z.object({
  nextDueAt: z.number().int().min(0).nullable().optional(),
  executionRefs: z.array(ExecutionIdsSchema).max(100).optional(),
});
export type TickOutcome = z.infer<typeof TickOutcomeSchema>;

export interface TickExecutor {
  readonly name: "builtin" | "facade";
  tick(monitor: MonitorRef, request: TickRequest, now: number): Promise<TickOutcome>;
}

export interface TickResult {
  workflowId: string;
  monitorId: string;
  userId: string;
  portfolioId: string | null;
  tickId: string;
  reason: string;
  tickedAt: number;
  tickCount: number;
  nextDueAt: number | null;
  executionRefs: z.infer<typeof ExecutionIdsSchema>[];
  /** What a session waits on next: an open execution's completion, else the next trigger match. */
  waitFor: WaitEventType;
  executor: TickExecutor["name"];
}
