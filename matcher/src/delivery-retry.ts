import { createRoute, z } from "@hono/zod-openapi";
import type { DeliveryRetry } from "../../shared/src/contract/shard-rpc";
import { ADMIN, ADMIN_PROBLEMS } from "../../shared/src/http/openapi-docs";

/**
 * POST /v1/admin/deliveries/retry, "retry now" at the end of a delivery incident: once the cause
 * of failing notify-trigger-match calls is fixed (a token, a runtime that was down), every shard's
 * undelivered matches go out now instead of at their next backoff (up to 5 minutes away). This
 * module is the route's document and its answer, summed from each shard's DeliveryRetry.
 *
 * @example retryAnswer([{ madeDue: 3, undelivered: 3 }, { madeDue: 0, undelivered: 0 }])
 * // { madeDue: 3, undelivered: 3, shards: [{ shard: 0, madeDue: 3, undelivered: 3 }, { shard: 1, … }] }
 */
const ShardRetry = z.object({
  shard: z.number().int(),
  madeDue: z.number().int().describe("undelivered matches that were waiting out a backoff, now due"),
  undelivered: z.number().int().describe("undelivered matches on the shard after the call (due now, or in flight)"),
});

export const DeliveryRetrySchema = z
  .object({
    madeDue: z.number().int().describe("the shards' madeDue summed; 0: nothing was waiting (a repeat changes nothing)"),
    undelivered: z.number().int(),
    shards: z.array(ShardRetry),
  })
  .openapi("DeliveryRetry");

export type DeliveryRetryAnswer = z.output<typeof DeliveryRetrySchema>;

/** The route's answer from the shards' answers, in shard order (index = shard number). */
export function retryAnswer(perShard: readonly DeliveryRetry[]): DeliveryRetryAnswer {
  const shards = perShard.map((r, shard) => ({ shard, madeDue: r.madeDue, undelivered: r.undelivered }));
  return {
    madeDue: shards.reduce((a, s) => a + s.madeDue, 0),
    undelivered: shards.reduce((a, s) => a + s.undelivered, 0),
    shards,
  };
}

export const deliveryRetryRoute = createRoute({
  method: "post",
  path: "/v1/admin/deliveries/retry",
  operationId: "retryDeliveries",
  tags: ["admin"],
  summary:
    "Retry now: every shard's undelivered matches that wait out a backoff become due at once, and each shard starts delivering (after fixing why notify-trigger-match failed)",
  description:
    "Idempotent and safe during a burst: each shard delivers one round at a time and notify-trigger-match drops a matchId it has seen, so no match is delivered twice. Matches refused for good (404/409/422) were dropped and are not retried. Delivery runs after the answer: watch GET /v1/admin/stats (`delivery`, `totals.outboxBacklog`).",
  ...ADMIN,
  responses: {
    ...ADMIN_PROBLEMS,
    202: {
      description: "Made due; each shard is delivering",
      content: {
        "application/json": {
          schema: DeliveryRetrySchema,
          example: {
            madeDue: 42,
            undelivered: 42,
            shards: [
              { shard: 0, madeDue: 30, undelivered: 30 },
              { shard: 1, madeDue: 12, undelivered: 12 },
            ],
          },
        },
      },
    },
  },
});
