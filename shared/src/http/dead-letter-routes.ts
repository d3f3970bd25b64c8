import { createRoute, z } from "@hono/zod-openapi";
import type { DeadLetterQueue } from "../contract/reads";
import { decodeDeadLetterCursor } from "../dead-letter-page";
import { ADMIN, ADMIN_PROBLEMS, problemResponse } from "./openapi-docs";

/**
 * The dead-letter routes of a queue (matcher: facts, projector: events, monitor-runtime: wakes) as OpenAPI route configs,
 * one definition for the three Workers. The list pages oldest first with an opaque cursor (only
 * the events list carries the original bodies; facts are msgpack bytes); replaying re-sends the
 * original body to its queue.
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

// Strict: a misspelt key (`?limt=`, `?after=`) is a 400 with "did you mean", never a silent first page.
const listQuery = (queue: DeadLetterQueue) =>
  z.strictObject({
    limit: z.coerce.number().int().min(1).max(1000).default(100).describe("page size, 1–1000 (default 100)"),
    cursor: z
      .string()
      .min(1)
      .max(200)
      .superRefine((cursor, ctx) => {
        const decoded = decodeDeadLetterCursor(queue, cursor);
        if ("problem" in decoded) ctx.addIssue({ code: "custom", message: decoded.problem });
      })
      .optional()
      .describe("nextCursor of the previous page (opaque); leave out to start at the oldest"),
  });

const pascal = (q: string) => q[0]?.toUpperCase() + q.slice(1);

export function deadLetterListRoute(queue: DeadLetterQueue) {
  return createRoute({
    method: "get",
    path: `/v1/admin/dead-letters/${queue}`,
    operationId: `list${pascal(queue)}DeadLetters`,
    tags: ["dead-letters"],
    summary: `Messages of Queue "${queue}" that failed every retry, oldest first (in the order recorded), cursor paging; replayed ones stay listed with replayed_at set`,
    ...ADMIN,
    request: { query: listQuery(queue) },
    responses: {
      ...ADMIN_PROBLEMS,
      200: {
        description: "Dead letters",
        content: {
          "application/json": {
            schema: z.object({
              deadLetters: z.array(DeadLetterSchema),
              nextCursor: z.string().nullable().describe("the cursor of the next page; null on the last page"),
            }),
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
              nextCursor: null,
            },
          },
        },
      },
    },
  });
}

export function deadLetterReplayRoute(queue: DeadLetterQueue) {
  return createRoute({
    method: "post",
    path: `/v1/admin/dead-letters/${queue}/{id}/replay`,
    operationId: `replay${pascal(queue)}DeadLetter`,
    tags: ["dead-letters"],
    summary: `Re-send a dead letter's original body to Queue "${queue}" (consumers are idempotent: a repeated replay re-sends it, and applies nothing twice)`,
    ...ADMIN,
    request: { params: z.object({ id: z.string().min(1).max(200).openapi({ example: "msg-7f3a" }) }) },
    responses: {
      ...ADMIN_PROBLEMS,
      202: {
        description: "Re-sent; replayCount says how often this dead letter has now been re-sent (above 1: a repeat)",
        content: {
          "application/json": {
            schema: z.object({ replayed: z.string(), replayCount: z.number().int().min(1) }),
            example: { replayed: "msg-7f3a", replayCount: 1 },
          },
        },
      },
      404: problemResponse("No such dead letter on this queue"),
    },
  });
}
