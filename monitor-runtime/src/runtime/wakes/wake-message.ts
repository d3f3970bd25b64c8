import { z } from "zod";
import { type Wake, WakeSchema } from "../session/wake";
import type { MonitorRef } from "../store/projections";

/**
 * One message on Queue "wakes": a wake-up accepted by notify-trigger-matches, with the monitor it
 * was validated against, waiting for the paced consumer (wakes-consumer.ts) to hand it to its
 * session. JSON, the queue's default content type.
 *
 * @example await env.WAKES_QUEUE.sendBatch(messages.map((body) => ({ body })));
 */
export const WakeMessageSchema = z.object({
  v: z.literal(1),
  monitor: z.object({
    monitorId: z.string(),
    workflowId: z.string(),
    ownerUserId: z.string(),
    portfolioId: z.string().nullable(),
    enabled: z.boolean(),
    checkIntervalMs: z.number().nullable(),
    // Absent in messages queued before versions were carried: 0 (every match version is then current).
    version: z.number().int().default(0),
  }),
  wake: WakeSchema,
});
export type WakeMessage = { v: 1; monitor: MonitorRef; wake: Wake };

/** A wake message from its queue body, or why it is not one (the consumer dead-letters it). */
export function parseWakeMessage(body: unknown): WakeMessage | string {
  const parsed = WakeMessageSchema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  return `not a v1 wake message: ${issue?.path.join(".")}: ${issue?.message}`;
}
