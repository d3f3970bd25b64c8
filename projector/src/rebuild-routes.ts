import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { ADMIN_PROBLEMS, problemResponse } from "../../shared/src/http/openapi-docs";
import { newId } from "../../shared/src/ids";
import { fail, ProblemError, validationProblem } from "../../shared/src/problem";
import { d1Executor, PROJECTIONS } from "../../shared/src/projections/sql";
import type { ProjectorEnv } from "./env";
import { instanceStatus, settleOrphan } from "./rebuild/orphans";
import { failRebuildStatement, startRebuildStatement } from "./rebuild/shadow";

/**
 * `POST /v1/admin/projections/rebuild` and its status route (DESIGN §8). Projections are rebuilt
 * together (they share one swap, so reads stay mutually consistent); `["all"]` or any subset names
 * what the caller cares about, and all are rebuilt. One rebuild runs at a time (409 otherwise).
 */
const RebuildBody = z.strictObject({
  projections: z
    .array(z.enum(["all", ...PROJECTIONS]))
    .min(1)
    .default(["all"]),
});
const RebuildStatus = z.object({
  rebuildId: z.string(),
  status: z.enum(["running", "complete", "failed"]),
  eventsApplied: z.number().int(),
  startedAt: z.number().int(),
  completedAt: z.number().int().optional(),
  error: z.string().optional(),
});

export function mountRebuildRoutes(app: OpenAPIHono<{ Bindings: ProjectorEnv }>): void {
  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/admin/projections/rebuild",
      operationId: "startProjectionRebuild",
      tags: ["projections"],
      summary: "Rebuild the projections from event_log alone (shadow tables, then an atomic swap)",
      security: [{ bearer: [] }],
      request: {
        body: {
          required: false,
          content: { "application/json": { schema: RebuildBody, example: { projections: ["all"] } } },
        },
      },
      responses: {
        202: {
          description: "Started",
          content: {
            "application/json": {
              schema: z.object({ rebuildId: z.string() }),
              example: { rebuildId: "01KBQ3Z0A1B2C3D4E5F6G7H8J9" },
            },
          },
        },
        ...ADMIN_PROBLEMS,
        409: problemResponse("A rebuild is already running: the problem names it (`rebuildId`)"),
      },
    }),
    async (c) => {
      const input: unknown = await c.req.json().catch(() => ({}));
      const parsed = RebuildBody.safeParse(input);
      if (!parsed.success) throw new ProblemError(validationProblem(parsed.error, undefined, { input }));
      const rebuildId = newId();
      const record = () =>
        d1Executor(c.env.DB).batch([startRebuildStatement(rebuildId, parsed.data.projections, Date.now())]);
      try {
        await record();
      } catch (err) {
        if (!String(err).includes("UNIQUE")) throw err;
        // The running one may be an orphan that will never finish (rebuild/orphans.ts): then it
        // is recorded as failed and this one starts; otherwise 409 names it.
        const running = await runningRebuild(c.env.DB);
        if (running && !(await settleOrphan(d1Executor(c.env.DB), running, statusOf(c.env)))) {
          fail(
            "conflict",
            `rebuild ${running.rebuildId} is already running: follow it with GET /v1/admin/projections/rebuild/${running.rebuildId}`,
            {
              rebuildId: running.rebuildId,
            },
          );
        }
        try {
          await record();
        } catch (again) {
          if (String(again).includes("UNIQUE")) fail("conflict", "a rebuild is already running");
          throw again;
        }
      }
      try {
        await c.env.REBUILD_WORKFLOW.create({ id: rebuildId, params: { rebuildId } });
      } catch (err) {
        // No workflow will ever finish this row: mark it failed so the next rebuild is not a 409.
        await d1Executor(c.env.DB).batch([
          failRebuildStatement(rebuildId, `the rebuild workflow could not start: ${String(err)}`, Date.now()),
        ]);
        throw err;
      }
      return c.json({ rebuildId }, 202);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/admin/projections/rebuild/{rebuildId}",
      operationId: "getProjectionRebuild",
      tags: ["projections"],
      summary: "A rebuild's status and progress",
      security: [{ bearer: [] }],
      request: { params: z.object({ rebuildId: z.string().min(1).max(64) }) },
      responses: {
        200: {
          description: "Status",
          content: {
            "application/json": {
              schema: RebuildStatus,
              example: {
                rebuildId: "01KBQ3Z0A1B2C3D4E5F6G7H8J9",
                status: "complete",
                eventsApplied: 1200,
                startedAt: 1764942600000,
                completedAt: 1764942604000,
              },
            },
          },
        },
        ...ADMIN_PROBLEMS,
        404: problemResponse("Unknown rebuild"),
      },
    }),
    async (c) => {
      const { rebuildId } = c.req.valid("param");
      const row = await c.env.DB.prepare("SELECT * FROM rebuilds WHERE rebuild_id = ?").bind(rebuildId).first<{
        status: "running" | "complete" | "failed";
        events_applied: number;
        started_at: number;
        completed_at: number | null;
        error: string | null;
      }>();
      if (!row) fail("not_found", `rebuild ${rebuildId} not found`);
      if (row.status === "running") {
        const orphan = { rebuildId, startedAt: row.started_at };
        if (await settleOrphan(d1Executor(c.env.DB), orphan, statusOf(c.env))) {
          const failed = await c.env.DB.prepare("SELECT status, completed_at, error FROM rebuilds WHERE rebuild_id = ?")
            .bind(rebuildId)
            .first<{ status: "failed"; completed_at: number | null; error: string | null }>();
          if (failed) Object.assign(row, failed);
        }
      }
      return c.json(
        {
          rebuildId,
          status: row.status,
          eventsApplied: row.events_applied,
          startedAt: row.started_at,
          ...(row.completed_at === null ? {} : { completedAt: row.completed_at }),
          ...(row.error === null ? {} : { error: row.error }),
        },
        200,
      );
    },
  );
}

const statusOf = (env: ProjectorEnv) => (id: string) => instanceStatus(env.REBUILD_WORKFLOW, id);

async function runningRebuild(db: D1Database): Promise<{ rebuildId: string; startedAt: number } | undefined> {
  const row = await db
    .prepare("SELECT rebuild_id, started_at FROM rebuilds WHERE status = 'running' LIMIT 1")
    .first<{ rebuild_id: string; started_at: number }>();
  return row ? { rebuildId: row.rebuild_id, startedAt: row.started_at } : undefined;
}
