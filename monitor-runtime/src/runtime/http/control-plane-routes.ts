import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { validationHook } from "../../../../shared/src/http/validation-hook";
import { fail } from "../../../../shared/src/problem";
import type { RuntimeEnv } from "../../env";
import { expireDue } from "../../registry/expiry-scan";
import { pruneHistory } from "../../registry/history-retention";
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
  MAX_MATCHES_PER_NOTIFY,
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
    example: {
      request: { requestId: "due-2026-12-05T13:50", workerId: "cf-cron-1", limit: 100 },
      response: {
        requestId: "due-2026-12-05T13:50",
        workerId: "cf-cron-1",
        monitors: [
          {
            monitorId: "btc-100k",
            workflowId: "wf_1",
            userId: "u_1",
            portfolioId: "pf_1",
            nextDueAt: 1764942600000,
            instanceId: "wf_1-01KBQ3Z0A1B2C3D4E5F6G7H8J9",
          },
        ],
      },
    },
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
 * port and its `/cdn-cgi/…/scheduled` trigger URL never reaches this Worker. It also prunes the
 * match history past its retention, as the cron does (the answer does not report it).
 */
controlPlaneApp.openapi(
  createRoute({
    method: "post",
    path: `${P}/due-scan`,
    operationId: "runDueScan",
    tags: ["control-plane"],
    summary:
      "Run the cron's scans now: wake (or start) every due monitor's workflow with reason due, record monitor_expired for monitors past expiresAt, and prune match and tick history past MATCH_HISTORY_RETENTION_DAYS and TICK_HISTORY_RETENTION_DAYS (when set)",
    security: [{ bearer: [] }],
    request: {
      body: {
        required: false,
        content: { "application/json": { schema: DueScanBodySchema, example: { limit: 100 } } },
      },
    },
    responses: {
      200: {
        description: "OK",
        content: {
          "application/json": {
            schema: DueScanResponseSchema,
            example: {
              requestId: "due-2026-12-05T13:50",
              due: 1,
              created: ["wf_1-01KBQ3Z0A1B2C3D4E5F6G7H8J9"],
              results: [{ enqueued: true, outcome: "accepted", delivery: "created", workflowId: "wf_1" }],
              expired: [],
            },
          },
        },
      },
      ...PROBLEMS,
    },
  }),
  async (c) => {
    const body = c.req.valid("json");
    const requestId = body.requestId ?? scanRequestId(Date.now());
    const [scan, expiry] = await Promise.all([
      runDueScan(c.env, {
        requestId,
        workerId: "admin",
        ...(body.limit ? { limit: body.limit } : {}),
      }),
      expireDue(c.env, Date.now(), body.limit),
      pruneHistory(c.env),
    ]);
    return c.json({ ...scan, expired: expiry.expired }, 200);
  },
);

controlPlaneApp.openapi(
  adminPost(
    `${P}/tick`,
    "Execute one monitor tick through the tick executor",
    TickBodySchema,
    200,
    TickResponseSchema,
    {
      operationId: "runMonitorTick",
      example: {
        request: { requestId: "r1", workerId: "admin", workflowId: "wf_1", reason: "manual" },
        response: {
          workflowId: "wf_1",
          monitorId: "btc-100k",
          userId: "u_1",
          portfolioId: "pf_1",
          tickId: "01KBQ3Z0A1B2C3D4E5F6G7H8J9",
          reason: "manual",
          tickedAt: 1764942600000,
          tickCount: 3,
          nextDueAt: 1764946200000,
          executionRefs: [],
          waitFor: "trigger_matched",
          executor: "builtin",
        },
      },
    },
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
    {
      operationId: "notifyExecution",
      example: {
        request: { runId: "run_42", status: "completed", workflowId: "wf_1" },
        response: {
          enqueued: true,
          outcome: "accepted",
          delivery: "sent",
          workflowId: "wf_1",
          wakeId: "execution_completed:run_42",
        },
      },
    },
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
    {
      operationId: "notifyTriggerMatch",
      example: {
        request: { workflowId: "wf_1", monitorId: "btc-100k", matchId: "btc-100k~1~01KBQ3Z0A1B2C3D4E5F6G7H8J9" },
        response: {
          enqueued: true,
          outcome: "accepted",
          delivery: "sent",
          workflowId: "wf_1",
          wakeId: "trigger_match:btc-100k~1~01KBQ3Z0A1B2C3D4E5F6G7H8J9",
        },
      },
    },
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
    {
      operationId: "notifyTriggerMatches",
      tooLarge: `Over ${MAX_MATCHES_PER_NOTIFY} matches, or a body over the size limit: split the batch`,
      example: {
        request: {
          matches: [{ workflowId: "wf_1", monitorId: "btc-100k", matchId: "btc-100k~1~01KBQ3Z0A1B2C3D4E5F6G7H8J9" }],
        },
        response: { results: [{ matchId: "btc-100k~1~01KBQ3Z0A1B2C3D4E5F6G7H8J9", status: 202, enqueued: true }] },
      },
    },
  ),
  async (c) => {
    const { matches } = c.req.valid("json");
    // DESIGN §7: a batch limit is explicit, a 413 over it (as POST /v1/facts over 1,000 facts).
    if (matches.length > MAX_MATCHES_PER_NOTIFY) {
      fail(
        "too_large",
        `A request carries at most ${MAX_MATCHES_PER_NOTIFY} matches, got ${matches.length}: send them in several requests`,
      );
    }
    return c.json({ results: await acceptTriggerMatches(c.env, matches) }, 202);
  },
);

controlPlaneApp.openapi(
  adminPost(`${P}/recover`, "Replay a stale or orphaned monitor wait", RecoverBodySchema, 202, RecoverResponseSchema, {
    operationId: "recoverMonitorWait",
    example: {
      request: { workflowId: "wf_1", requestId: "recover-1" },
      response: {
        action: "replayed",
        workflowId: "wf_1",
        instanceId: "wf_1-01KBQ3Z0A1B2C3D4E5F6G7H8J9",
        wakeId: "recover:recover-1",
      },
    },
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
    {
      operationId: "recordExecutionRef",
      example: {
        request: { workflowId: "wf_1", portfolioId: "pf_1", runId: "run_42" },
        response: {
          workflowId: "wf_1",
          portfolioId: "pf_1",
          refKey: "runId:run_42",
          eventId: "01KBQ3Z0A1B2C3D4E5F6G7H8J9",
        },
      },
    },
  ),
  async (c) => c.json(await recordExecutionRef(c.env, c.req.valid("json")), 201),
);
