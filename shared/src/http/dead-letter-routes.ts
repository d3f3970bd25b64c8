import { createRoute, z } from "@hono/zod-openapi";
import { ADMIN, ADMIN_PROBLEMS, problemResponse } from "./openapi-docs";

/**
 * The dead-letter routes of a queue (matcher: facts, projector: events, monitor-runtime: wakes) as OpenAPI route configs,
 * one definition for both Workers. The list leaves the original bodies out when `withBody` is
 * false (facts are msgpack bytes); replaying re-sends the original body to its queue.
 *
 * @example app.openapi(deadLetterListRoute("facts", false), handler)
 */
export const DeadLetterSchema = z
  .object({
    id: z.string(),
    source_queue: z.string().openapi({ example: "facts" }),
    reason: z.string(),
    attempts: z.number().int(),
    failed_at: z.number().int().describe("epoch ms"),
    replayed_at: z.number().int().nullable().describe("epoch ms of the last replay, null if never"),
    replay_count: z.number().int(),
    body: z.string().optional().describe("The original message body as stored (events only)"),
  })
  .openapi("DeadLetter");

const LimitQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100).describe("page size, 1–1000 (default 100)"),
});

const pascal = (q: string) => q[0]?.toUpperCase() + q.slice(1);

export function deadLetterListRoute(queue: "facts" | "events" | "wakes") {
  return createRoute({
    method: "get",
    path: `/v1/admin/dead-letters/${queue}`,
    operationId: `list${pascal(queue)}DeadLetters`,
    tags: ["dead-letters"],
    summary: `Messages of Queue "${queue}" that failed every retry, newest first`,
    ...ADMIN,
    request: { query: LimitQuery },
    responses: {
      ...ADMIN_PROBLEMS,
      200: {
        description: "Dead letters",
        content: {
          "application/json": {
            schema: z.object({ deadLetters: z.array(DeadLetterSchema) }),
            example: {
              deadLetters: [
                {
                  id: "msg-7f3a",
                  source_queue: queue,
                  reason: "projection failed: D1 unavailable",
                  attempts: 5,
                  failed_at: 1764942600000,
                  replayed_at: null,
                  replay_count: 0,
                },
              ],
            },
          },
        },
      },
    },
  });
}

export function deadLetterReplayRoute(queue: "facts" | "events" | "wakes") {
  return createRoute({
    method: "post",
    path: `/v1/admin/dead-letters/${queue}/{id}/replay`,
    operationId: `replay${pascal(queue)}DeadLetter`,
    tags: ["dead-letters"],
    summary: `Re-send a dead letter's original body to Queue "${queue}" (consumers are idempotent)`,
    ...ADMIN,
    request: { params: z.object({ id: z.string().min(1).max(200).openapi({ example: "msg-7f3a" }) }) },
    responses: {
      ...ADMIN_PROBLEMS,
      202: {
        description: "Re-sent",
        content: {
          "application/json": { schema: z.object({ replayed: z.string() }), example: { replayed: "msg-7f3a" } },
        },
      },
      404: problemResponse("No such dead letter on this queue"),
    },
  });
}
