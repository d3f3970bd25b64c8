import type { TickExecutor, TickOutcome } from "./tick-types";

/**
 * The built-in executor: a deterministic mutation with no side effects of its own. The tick is
 * recorded by the runtime as a `tick_executed` event; this only decides the next due time from the
 * monitor's optional checkIntervalMs (none → the monitor is event-driven only). It starts no
 * executions, so it returns no execution refs (refs then come from `execution-refs`).
 *
 * @example builtinExecutor.tick({ checkIntervalMs: 60_000, … }, request, 1000) // { nextDueAt: 61_000, executionRefs: [] }
 */
export const builtinExecutor: TickExecutor = {
  name: "builtin",
  async tick(monitor, _request, now): Promise<TickOutcome> {
    return { nextDueAt: monitor.checkIntervalMs === null ? null : now + monitor.checkIntervalMs, executionRefs: [] };
  },
};
