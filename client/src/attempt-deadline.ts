/**
 * The abort signal of one attempt: it aborts when the caller's own signal does, or when the
 * attempt's time is up. `timedOut` says which, so a caller's abort is never retried or reported as
 * a timeout. The clock can be stopped while the caller's signal still counts (`stopClock`): a match
 * stream's connect is timed, the long-lived stream that follows is not. AbortSignal.any would
 * combine the two as well, but it cannot drop one of them mid-flight, and Node 18 lacks it.
 *
 * @example
 * const attempt = attemptDeadline(30_000, callerSignal);
 * try { await fetch(url, { signal: attempt.signal }); } finally { attempt.release(); }
 */
export type TimeoutSignal = (ms: number) => AbortSignal;

/** Node ≥ 17.3, workerd and every current browser have AbortSignal.timeout (unref'd in Node). */
export const platformTimeout: TimeoutSignal = (ms) => AbortSignal.timeout(ms);

export type AttemptDeadline = {
  readonly signal: AbortSignal;
  /** The time allowed, in ms (0: none). */
  readonly timeoutMs: number;
  /** Whether the time ran out (false when the caller aborted first). */
  timedOut(): boolean;
  /** No timeout from now on; the caller's signal still aborts. */
  stopClock(): void;
  /** Done with the attempt: forget both signals (a long-lived caller signal keeps no listener). */
  release(): void;
};

/** `timeoutMs` 0 (or Infinity) means no time limit: only the caller's signal aborts. */
export function attemptDeadline(
  timeoutMs: number,
  caller?: AbortSignal,
  timeoutSignal: TimeoutSignal = platformTimeout,
): AttemptDeadline {
  const controller = new AbortController();
  const clock = timeoutMs > 0 && Number.isFinite(timeoutMs) ? timeoutSignal(timeoutMs) : undefined;
  let timedOut = false;
  const onCaller = () => controller.abort(caller?.reason);
  const onClock = () => {
    if (controller.signal.aborted) return;
    timedOut = true;
    controller.abort(clock?.reason);
  };
  if (caller?.aborted) onCaller();
  else caller?.addEventListener("abort", onCaller, { once: true });
  if (clock?.aborted) onClock();
  else clock?.addEventListener("abort", onClock, { once: true });
  const stopClock = () => clock?.removeEventListener("abort", onClock);
  return {
    signal: controller.signal,
    timeoutMs: clock ? timeoutMs : 0,
    timedOut: () => timedOut,
    stopClock,
    release() {
      stopClock();
      caller?.removeEventListener("abort", onCaller);
    },
  };
}

/** Checks a `timeoutMs` option: a number of ms ≥ 0 (0 or Infinity: no limit). */
export function checkTimeoutMs(timeoutMs: number): number {
  if (!(timeoutMs >= 0)) throw new RangeError(`timeoutMs must be a number of milliseconds ≥ 0, not ${timeoutMs}`);
  return timeoutMs;
}

/** "30 s", "1.5 s", "250 ms": a timeout as a person reads it. */
export function formatTimeout(ms: number): string {
  return ms >= 1000 ? `${Number((ms / 1000).toFixed(3))} s` : `${ms} ms`;
}
