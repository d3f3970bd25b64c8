import { z } from "zod";
import { TriggerEventSchema } from "../../../../shared/src/events";

/**
 * A wake-up addressed to one monitor session (one workflowId). Its `wakeId` is the idempotency key
 * the producer already has (`trigger_match:<matchId>`, `execution_completed:<refKey>`,
 * `due:<requestId>`), so a repeated delivery names the same wake-up and is dropped.
 *
 * @example wakeIdOf("trigger_match", "m1~3~01J…") // "trigger_match:m1~3~01J…"
 */
export const WAKE_REASONS = ["trigger_match", "execution_completed", "due", "recover", "manual"] as const;
export const WakeReasonSchema = z.enum(WAKE_REASONS);
export type WakeReason = z.infer<typeof WakeReasonSchema>;

/** The event types a waiting WorkflowMonitorTickWorkflow instance listens for. */
export const WAIT_EVENT_TYPES = ["trigger_matched", "execution_completed"] as const;
export const WaitEventTypeSchema = z.enum(WAIT_EVENT_TYPES);
export type WaitEventType = z.infer<typeof WaitEventTypeSchema>;

export const WakeSchema = z.object({
  wakeId: z.string().min(1).max(512),
  reason: WakeReasonSchema,
  receivedAt: z.number().int().min(0),
  monitorId: z.string().optional(),
  matchId: z.string().optional(),
  refKey: z.string().optional(),
  triggerEvent: TriggerEventSchema.optional(),
});
export type Wake = z.infer<typeof WakeSchema>;

export function wakeIdOf(reason: WakeReason, key: string): string {
  return `${reason}:${key}`;
}
