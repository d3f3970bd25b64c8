import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { validationHook } from "../../../../shared/src/http/validation-hook";
import { newId } from "../../../../shared/src/ids";
import { fail } from "../../../../shared/src/problem";
import type { RuntimeEnv } from "../../env";
import { portfolioAgent, userAgent } from "../delivery/agents";
import { enqueueTick } from "../delivery/enqueue";
import { isSuperseded, MONITOR_SUPERSEDED } from "../delivery/superseded";
import { wakeIdOf } from "../session/wake";
import { resolveWorkflow } from "../store/projections";
import { adminPost, PROBLEMS } from "./openapi-helpers";
import { EnqueueResponseSchema, EnqueueTickBodySchema, SessionMirrorSchema } from "./schemas";

/**
 * The Cloudflare-side routes: `POST /api/workflow-monitors/enqueue-tick` (the seam every wake-up
 * goes through) and the read-only agent mirrors `GET /v1/admin/agents/{users|portfolios}/{id}`.
 *
 * @example app.route("/", runtimeApp)
 */
export const runtimeApp = new OpenAPIHono<{ Bindings: RuntimeEnv }>({ defaultHook: validationHook });

runtimeApp.openapi(
  adminPost(
    "/api/workflow-monitors/enqueue-tick",
    "Deliver a wake-up to a monitor session: sendEvent into the waiting instance, else create one",
    EnqueueTickBodySchema,
    202,
    EnqueueResponseSchema,
    {
      operationId: "enqueueTick",
      example: {
        request: { workflowId: "wf_1", reason: "trigger_match", matchId: "btc-100k~1~01KBQ3Z0A1B2C3D4E5F6G7H8J9" },
        response: {
          enqueued: true,
          outcome: "accepted",
          delivery: "created",
          workflowId: "wf_1",
          instanceId: "wf_1-01KBQ3Z0A1B2C3D4E5F6G7H8J9",
          wakeId: "trigger_match:btc-100k~1~01KBQ3Z0A1B2C3D4E5F6G7H8J9",
        },
      },
    },
  ),
  async (c) => {
    const body = c.req.valid("json");
    const monitor = await resolveWorkflow(c.env.DB, body.workflowId, body.monitorId);
    if (!monitor) {
      const which = body.monitorId ? ` ${body.monitorId}` : "";
      fail("not_found", `workflow ${body.workflowId} has no live monitor${which}`);
    }
    if (
      body.reason === "trigger_match" &&
      body.matchId &&
      isSuperseded(body.matchId, monitor.monitorId, monitor.version)
    )
      return c.json({ enqueued: false, reason: MONITOR_SUPERSEDED }, 202);
    // The standard Idempotency-Key header serves as well as the body's field: a client library that
    // sets it on every retried POST gets one wake-up per key without knowing this API's field.
    const key =
      body.idempotencyKey ?? idempotencyHeader(c.req.header("idempotency-key")) ?? body.matchId ?? body.refKey;
    const result = await enqueueTick(c.env, monitor, {
      wakeId: wakeIdOf(body.reason, key ?? newId()),
      reason: body.reason,
      receivedAt: Date.now(),
      monitorId: monitor.monitorId,
      ...(body.matchId ? { matchId: body.matchId } : {}),
      ...(body.refKey ? { refKey: body.refKey } : {}),
      ...(body.triggerEvent ? { triggerEvent: body.triggerEvent } : {}),
    });
    return c.json(result, 202);
  },
);

const SESSION_EXAMPLE: z.output<typeof SessionMirrorSchema> = {
  workflowId: "wf_1",
  monitorId: "btc-100k",
  userId: "u_1",
  portfolioId: "pf_1",
  activeInstanceId: "wf_1-01KBQ3Z0A1B2C3D4E5F6G7H8J9",
  phase: "waiting",
  waitingOn: "trigger_matched",
  sleepingUntil: null,
  pendingWakeUps: 0,
  lastTick: {
    tickId: "01KBQ3Z0A1B2C3D4E5F6G7H8J9",
    wakeId: "due:due-2026-12-05T13:50",
    reason: "due",
    tickedAt: 1764942600000,
    tickCount: 3,
    nextDueAt: 1764946200000,
    waitFor: "trigger_matched",
  },
  updatedAt: 1764942600000,
};

const agentRoute = <P extends "userId" | "portfolioId">(kind: "users" | "portfolios", param: P) =>
  createRoute({
    method: "get",
    path: `/v1/admin/agents/${kind}/{${param}}`,
    operationId: kind === "users" ? "getUserAgentSessions" : "getPortfolioAgentSessions",
    tags: ["agents"],
    summary: `The monitor sessions mirrored in a ${kind === "users" ? "UserAgent" : "PortfolioAgent"}`,
    description:
      kind === "users"
        ? "The sessions of the user's monitors."
        : "A portfolio id: the sessions of the monitors linked to it (`linkedPortfolioIds[0]`). `~<workflowId>`: the session that agent owns (every workflow's session is owned there).",
    security: [{ bearer: [] }],
    request: {
      params: z.object({
        [param]: z
          .string()
          .min(1)
          .max(160)
          .openapi({ example: param === "userId" ? "u_1" : "pf_1" }),
      } as Record<P, z.ZodString>),
    },
    responses: {
      200: {
        description: "Sessions: last tick, active instance, what it waits on",
        content: {
          "application/json": {
            schema: z.object({ [param]: z.string(), sessions: z.array(SessionMirrorSchema) } as {
              [K in P]: z.ZodString;
            } & { sessions: z.ZodArray<typeof SessionMirrorSchema> }),
            example: { [param]: param === "userId" ? "u_1" : "pf_1", sessions: [SESSION_EXAMPLE] },
          },
        },
      },
      400: PROBLEMS[400],
      401: PROBLEMS[401],
      403: PROBLEMS[403],
    },
  });

runtimeApp.openapi(agentRoute("users", "userId"), async (c) => {
  const { userId } = c.req.valid("param");
  return c.json({ userId, sessions: await userAgent(c.env, userId).sessions() }, 200);
});

runtimeApp.openapi(agentRoute("portfolios", "portfolioId"), async (c) => {
  const { portfolioId } = c.req.valid("param");
  return c.json({ portfolioId, sessions: await portfolioAgent(c.env, portfolioId).sessions() }, 200);
});

/** The Idempotency-Key header as a wake-up key (absent: undefined); the body field's limits hold. */
function idempotencyHeader(value: string | undefined): string | undefined {
  const key = value?.trim();
  if (!key) return undefined;
  if (key.length > 400) {
    const message = `must be 1 to 400 characters; got ${key.length}`;
    fail("validation", `A request header is invalid: header.idempotency-key: ${message}`, {
      errors: [{ path: "header.idempotency-key", message }],
    });
  }
  return key;
}
