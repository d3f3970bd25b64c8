import { z } from "@hono/zod-openapi";
import type { DeliveryNote, DeliveryNotes } from "../../shared/src/contract/shard-rpc";
import { notifyHint } from "./notify-hint";

/**
 * The `delivery` section of GET /v1/admin/stats: how the shards' outboxes fare with
 * notify-trigger-match, fabric-wide. Counts say whether matches reach their workflows; the newest
 * failure (retried) and refusal (dropped) across shards say why not, with what to do about it.
 *
 * @example deliveryHealth([{ shard: 0, notes, counters: { matchesDelivered: 3 } }])
 */
const Note = z
  .object({
    shard: z.number().int(),
    matchId: z.string(),
    status: z.number().int().describe("the HTTP status notify-trigger-match answered; 0: no answer"),
    reason: z.string().describe("what it answered (a problem+json body, or the error)"),
    at: z.number().describe("epoch ms"),
    hint: z.string().describe("where the fault usually is, and what to do"),
  })
  .openapi("DeliveryNote");

export const DeliverySchema = z
  .object({
    delivered: z.number().int().describe("matches notify-trigger-match accepted"),
    refused: z.number().int().describe("matches it refused for good (404/409/422/400): dropped, not retried"),
    failedAttempts: z
      .number()
      .int()
      .describe("delivery attempts that failed and will be retried (401, 5xx, no answer)"),
    lastFailure: Note.nullable(),
    lastRefusal: Note.nullable(),
    lastDeliveredAt: z
      .number()
      .nullable()
      .describe(
        "epoch ms of the newest delivery notify-trigger-match accepted, on any shard: a lastFailure older than it was followed by deliveries, so its cause may be fixed",
      ),
  })
  .openapi("DeliveryHealth");

export type ShardDelivery = { shard: number; notes: DeliveryNotes; counters: Record<string, number | null> };

export function deliveryHealth(shards: readonly ShardDelivery[]): z.output<typeof DeliverySchema> {
  const sum = (k: string) => shards.reduce((a, s) => a + (Number(s.counters[k]) || 0), 0);
  const newest = (pick: (n: DeliveryNotes) => DeliveryNote | null) => {
    let best: z.output<typeof Note> | null = null;
    for (const s of shards) {
      const n = pick(s.notes);
      if (n && (!best || n.at > best.at)) best = { shard: s.shard, ...n, hint: notifyHint(n.status) };
    }
    return best;
  };
  return {
    delivered: sum("matchesDelivered"),
    refused: sum("matchesRefused"),
    failedAttempts: sum("notifyFailures"),
    lastFailure: newest((n) => n.lastFailure),
    lastRefusal: newest((n) => n.lastRefusal),
    lastDeliveredAt: shards.reduce<number | null>(
      (a, s) => Math.max(a ?? 0, s.notes.lastDeliveredAt ?? 0) || null,
      null,
    ),
  };
}
