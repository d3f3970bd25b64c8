import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { validationHook } from "../../../../shared/src/http/validation-hook";
import { fail } from "../../../../shared/src/problem";
import type { RuntimeEnv } from "../../env";
import { loadDue, runDueScan, scanRequestId } from "../delivery/due-scan";
import { recordExecutionRef } from "../delivery/execution-refs";
import { notifyExecution, notifyTriggerMatch } from "../delivery/notify";
import { recover } from "../delivery/recover";
import { resolveWorkflow } from "../store/projections";
import { runTick } from "../tick/run-tick";
import { acceptTriggerMatches } from "../wakes/accept-matches";
import { adminPost, PROBLEMS } from "./openapi-helpers";
import {
  DueBodySchema,
  DueResponseSchema,
  DueScanBodySchema,
  DueScanResponseSchema,
  EnqueueResponseSchema,
  ExecutionRefBodySchema,
  ExecutionRefResponseSchema,
  NotifyExecutionBodySchema,
  NotifyTriggerMatchBodySchema,
  NotifyTriggerMatchesBodySchema,
  NotifyTriggerMatchesResponseSchema,
  RecoverBodySchema,
  RecoverResponseSchema,
  TickBodySchema,
  TickResponseSchema,
} from "./schemas";

/**
 * `POST /v1/admin/control-plane/workflow-monitors/*` (seed 000). Auth is applied by the app.
 *
 * @example app.route("/", controlPlaneApp)
 */
const P = "/v1/admin/control-plane/workflow-monitors";
export const controlPlaneApp = new OpenAPIHono<{ Bindings: RuntimeEnv }>({ defaultHook: validationHook });

controlPlaneApp.openapi(
  adminPost(`${P}/due`, "Load runnable (due) monitors", DueBodySchema, 200, DueResponseSchema, {
    operationId: "loadDueMonitors",
  }),
  async (c) => {
    const body = c.req.valid("json");
    const due = await loadDue(c.env, body);
    const monitors = due.map((m) => ({
      monitorId: m.monitorId,
      workflowId: m.workflowId,
      userId: m.ownerUserId,
      portfolioId: m.portfolioId,
      nextDueAt: m.nextDueAt,
      instanceId: m.instanceId,
    }));
    return c.json({ requestId: body.requestId, workerId: body.workerId, monitors }, 200);
  },
);

/**
 * The cron's due scan, run now: the same `runDueScan` as the `scheduled` handler, with the cron's
 * requestId for this minute unless one is given, so a scan run here and the cron in the same
 * minute name the same wake-ups and start nothing twice. Operators use it after an outage; locally
 * it is the way to run the cron, since `wrangler dev` serves ingest (no `scheduled` handler) on the
 * port and its `/cdn-cgi/…/scheduled` trigger URL never reaches this Worker.
 */
controlPlaneApp.openapi(
  createRoute({
    method: "post",
    path: `${P}/due-scan`,
    operationId: "runDueScan",
    tags: ["control-plane"],
    summary: "Run the cron due scan now: wake (or start) every due monitor's workflow with reason due",
    security: [{ bearer: [] }],
    request: { body: { required: false, content: { "application/json": { schema: DueScanBodySchema } } } },
    responses: {
      200: { description: "OK", content: { "application/json": { schema: DueScanResponseSchema } } },
      ...PROBLEMS,
    },
  }),
  async (c) => {
    const body = c.req.valid("json");
    const requestId = body.requestId ?? scanRequestId(Date.now());
    const scan = await runDueScan(c.env, {
      requestId,
      workerId: "admin",
      ...(body.limit ? { limit: body.limit } : {}),
    });
    return c.json(scan, 200);
  },
);

controlPlaneApp.openapi(
  adminPost(
    `${P}/tick`,
    "Execute one monitor tick through the tick executor",
    TickBodySchema,
    200,
    TickResponseSchema,
    { operationId: "runMonitorTick" },
  ),
  async (c) => {
    const body = c.req.valid("json");
    const result = await runTick(c.env, body);
    return c.json(result, 200);
  },
);

controlPlaneApp.openapi(
  adminPost(
    `${P}/notify-execution`,
    "Resolve a terminal execution's workflow and wake it (reason execution_completed)",
    NotifyExecutionBodySchema,
    202,
    EnqueueResponseSchema,
    { operationId: "notifyExecution" },
  ),
  async (c) => c.json(await notifyExecution(c.env, c.req.valid("json")), 202),
);

controlPlaneApp.openapi(
  adminPost(
    `${P}/notify-trigger-match`,
    "Wake a monitor's workflow for a trigger match (reason trigger_match)",
    NotifyTriggerMatchBodySchema,
    202,
    EnqueueResponseSchema,
    { operationId: "notifyTriggerMatch" },
  ),
  async (c) => c.json(await notifyTriggerMatch(c.env, c.req.valid("json")), 202),
);

controlPlaneApp.openapi(
  adminPost(
    `${P}/notify-trigger-matches`,
    "Accept up to 100 trigger matches at once: validated, recorded on Queue wakes, woken at a paced rate; each result is what notify-trigger-match would answer for it",
    NotifyTriggerMatchesBodySchema,
    202,
    NotifyTriggerMatchesResponseSchema,
    { operationId: "notifyTriggerMatches" },
  ),
  async (c) => c.json({ results: await acceptTriggerMatches(c.env, c.req.valid("json").matches) }, 202),
);

controlPlaneApp.openapi(
  adminPost(`${P}/recover`, "Replay a stale or orphaned monitor wait", RecoverBodySchema, 202, RecoverResponseSchema, {
    operationId: "recoverMonitorWait",
  }),
  async (c) => {
    const body = c.req.valid("json");
    const monitor = await resolveWorkflow(c.env.DB, body.workflowId);
    if (!monitor) fail("not_found", `workflow ${body.workflowId} has no live monitor`);
    return c.json(await recover(c.env, monitor, body), 202);
  },
);

controlPlaneApp.openapi(
  adminPost(
    `${P}/execution-refs`,
    "Record a canonical execution ref",
    ExecutionRefBodySchema,
    201,
    ExecutionRefResponseSchema,
    { operationId: "recordExecutionRef" },
  ),
  async (c) => c.json(await recordExecutionRef(c.env, c.req.valid("json")), 201),
);
