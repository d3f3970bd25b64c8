import { z } from "@hono/zod-openapi";

/**
 * The `projector` section of GET /v1/admin/stats: whether the projector (Queue "events") is failing
 * its batches, since when, and the newest failure's error (first line) and attempt, with what to
 * do. Queue lag and "last batch at" are recorded only by a batch that succeeds, so without this a
 * projector failing every batch would show only an old "last batch at".
 *
 * @example projectorHealth(await readFailures(env.DB), Date.now())
 */
export type FailureRow = {
  failing_since: number | null;
  failed_batches: number;
  last_failure_at: number;
  last_error: string;
  last_attempts: number;
};

export const ProjectorHealthSchema = z
  .object({
    failingSince: z
      .number()
      .nullable()
      .describe("epoch ms of the first failed batch since the last that succeeded; null: not failing"),
    failedBatches: z.number().int().describe("batches that failed (each is retried, then dead-lettered)"),
    lastFailure: z
      .object({
        at: z.number().describe("epoch ms"),
        error: z.string().describe("the error's first line"),
        attempts: z.number().int().describe("the batch's delivery attempt that failed (1: the first)"),
        hint: z.string().describe("what to do"),
      })
      .nullable(),
  })
  .openapi("ProjectorHealth");

export type ProjectorHealth = z.output<typeof ProjectorHealthSchema>;

const FAILING =
  "the projector fails its batches (log `projection_failed`): fix what the error names; each batch is retried 5 times, then dead-lettered (`fabric dlq replay events --all` once fixed). Monitor reads and match lists lag meanwhile; failingSince clears at the next batch that succeeds";
const RECOVERED =
  "a batch has succeeded since: nothing to do unless dead letters wait on events (`fabric dlq list events`)";

export function projectorHealth(row: FailureRow | null): ProjectorHealth {
  if (!row) return { failingSince: null, failedBatches: 0, lastFailure: null };
  const failing = row.failing_since !== null;
  return {
    failingSince: row.failing_since,
    failedBatches: row.failed_batches,
    lastFailure: {
      at: row.last_failure_at,
      error: row.last_error,
      attempts: row.last_attempts,
      hint: failing ? FAILING : RECOVERED,
    },
  };
}

/** The events queue's failure row (null: no batch ever failed). */
export function readProjectorFailures(db: D1Database): Promise<FailureRow | null> {
  return db
    .prepare(
      "SELECT failing_since, failed_batches, last_failure_at, last_error, last_attempts FROM consumer_failures WHERE queue = 'events'",
    )
    .first<FailureRow>();
}
