import { ProblemError, problem } from "../../../../shared/src/problem";
import type { TickExecutor, TickOutcome } from "./tick-types";
import { TickOutcomeSchema } from "./tick-types";

/**
 * Forwards a tick to the external `WorkflowsFacade.tickMonitor` (TICK_FACADE_URL) with
 * `Authorization: Bearer TICK_FACADE_TOKEN` and a timeout. Any failure (network, timeout, non-2xx,
 * a body that is not a tick outcome) throws, so the workflow step retries and then backs off.
 * A URL without a token fails closed.
 *
 * @example facadeExecutor({ url, token, timeoutMs: 10_000 }).tick(monitor, request, Date.now())
 */
export function facadeExecutor(opts: {
  url: string;
  token?: string;
  timeoutMs: number;
  fetch?: typeof fetch;
}): TickExecutor {
  const doFetch = opts.fetch ?? fetch;
  return {
    name: "facade",
    async tick(monitor, request, _now): Promise<TickOutcome> {
      if (!opts.token)
        throw new ProblemError(problem("unavailable", "TICK_FACADE_URL is set but TICK_FACADE_TOKEN is not"));
      const res = await doFetch(opts.url, {
        method: "POST",
        headers: { authorization: `Bearer ${opts.token}`, "content-type": "application/json" },
        body: JSON.stringify({
          requestId: request.requestId,
          workerId: request.workerId,
          workflowId: monitor.workflowId,
          monitorId: monitor.monitorId,
          userId: monitor.ownerUserId,
          portfolioId: monitor.portfolioId,
          reason: request.reason,
          triggerEvent: request.triggerEvent,
          ...(request.matchIds ? { matchIds: request.matchIds } : {}),
        }),
        signal: AbortSignal.timeout(opts.timeoutMs),
      });
      if (!res.ok) throw new ProblemError(problem("unavailable", `tick facade answered ${res.status}`));
      const parsed = TickOutcomeSchema.safeParse(await res.json().catch(() => null));
      if (!parsed.success)
        throw new ProblemError(problem("unavailable", "tick facade answered an invalid tick outcome"));
      return parsed.data;
    },
  };
}
