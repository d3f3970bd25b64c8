import { deterministicId } from "../../../../shared/src/ids";
import { fail } from "../../../../shared/src/problem";
import type { RuntimeEnv } from "../../env";
import { publishThenRead } from "../events/publish";
import { tickExecuted } from "../events/runtime-events";
import {
  type MonitorRef,
  type MonitorStateRow,
  monitorStateStatement,
  openExecutionStatement,
  resolveWorkflow,
  toMonitorState,
} from "../store/projections";
import { builtinExecutor } from "./builtin-executor";
import { facadeExecutor } from "./facade-executor";
import type { TickExecutor, TickRequest, TickResult } from "./tick-types";

/** The configured executor: the facade when TICK_FACADE_URL is set, else the built-in one. */
export function executorFor(
  env: Pick<RuntimeEnv, "TICK_FACADE_URL" | "TICK_FACADE_TOKEN" | "TICK_FACADE_TIMEOUT_MS">,
): TickExecutor {
  const url = env.TICK_FACADE_URL?.trim();
  if (!url) return builtinExecutor;
  const timeoutMs = Number(env.TICK_FACADE_TIMEOUT_MS ?? "10000");
  return facadeExecutor({
    url,
    token: env.TICK_FACADE_TOKEN,
    timeoutMs: Number.isFinite(timeoutMs) ? timeoutMs : 10_000,
  });
}

/**
 * Run one tick: the executor decides, the runtime records it as a `tick_executed` event (applied
 * to D1 at once, published on Queue "events"), and answers with the projected state. The tick id
 * and event id derive from `request.requestId`, so a retried tick is recorded and counted once.
 *
 * @example const result = await runTick(env, { requestId: wakeId, workerId, workflowId, reason: "trigger_match", requestedAt });
 */
export async function runTick(env: RuntimeEnv, request: TickRequest, known?: MonitorRef): Promise<TickResult> {
  const monitor = known ?? (await resolveWorkflow(env.DB, request.workflowId, request.monitorId));
  if (!monitor) fail("not_found", `workflow ${request.workflowId} has no live monitor`);
  const executor = executorFor(env);
  const now = Date.now();
  const outcome = await executor.tick(monitor, request, now);
  const tickId = await deterministicId("tick", monitor.workflowId, request.requestId);
  const executionRefs = (outcome.executionRefs ?? []).map((r) => ({
    ...r,
    portfolioId: r.portfolioId ?? monitor.portfolioId,
  }));
  const nextDueAt = outcome.nextDueAt ?? null;
  const event = await tickExecuted(
    {
      workflowId: monitor.workflowId,
      monitorId: monitor.monitorId,
      reason: request.reason,
      tickId,
      tickedAt: now,
      nextDueAt,
      ...(executionRefs.length > 0 ? { executionRefs } : {}),
      ...(request.matchIds && request.matchIds.length > 0 ? { matchIds: request.matchIds } : {}),
    },
    request.requestId,
    request.requestedAt ?? 0,
  );
  // The event's writes and the two reads the answer needs: one D1 round trip.
  const [stateRows, openRows] = await publishThenRead(
    env,
    [event],
    [monitorStateStatement(env.DB, monitor.monitorId), openExecutionStatement(env.DB, monitor.workflowId)],
  );
  const state = toMonitorState(stateRows?.[0] as MonitorStateRow | undefined);
  const open = (openRows?.length ?? 0) > 0;
  // A retried tick finds its first attempt recorded: answer with what was recorded.
  const recorded = state.lastTickId === tickId;
  return {
    workflowId: monitor.workflowId,
    monitorId: monitor.monitorId,
    userId: monitor.ownerUserId,
    portfolioId: monitor.portfolioId,
    tickId,
    reason: recorded ? (state.lastTickReason ?? request.reason) : request.reason,
    tickedAt: recorded ? (state.lastTickAt ?? now) : now,
    tickCount: state.tickCount,
    nextDueAt: recorded ? state.nextDueAt : nextDueAt,
    executionRefs,
    waitFor: open ? "execution_completed" : "trigger_matched",
    executor: executor.name,
  };
}
