/**
 * Retries with exponential backoff and full jitter (a random wait in [0, min(cap, base·2^n)]),
 * bounded in attempts and in total time. A `Retry-After` answer waits at least that long.
 *
 * @example const policy = resolveRetry({ maxAttempts: 3 });
 */
export type RetryOptions = {
  /** Attempts in all, the first included (default 6). */
  maxAttempts?: number;
  /** No retry starts after this much time since the first attempt (default 30 s). */
  maxElapsedMs?: number;
  /** The first backoff's ceiling (default 100 ms). */
  baseDelayMs?: number;
  /** The largest backoff ceiling (default 10 s). */
  maxDelayMs?: number;
};
export type RetryPolicy = Required<RetryOptions>;

export function resolveRetry(o: RetryOptions = {}): RetryPolicy {
  return {
    maxAttempts: Math.max(1, o.maxAttempts ?? 6),
    maxElapsedMs: o.maxElapsedMs ?? 30_000,
    baseDelayMs: o.baseDelayMs ?? 100,
    maxDelayMs: o.maxDelayMs ?? 10_000,
  };
}

/** The wait before retry number `retry` (0 for the first retry). */
export function backoffMs(policy: RetryPolicy, retry: number, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return Math.floor(random() * ceiling);
}

/** `Retry-After` in ms: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, nowMs: number): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/**
 * Whether an answer is worth another try (the request was not acted on): 429 and 503, and a 409
 * that says when to retry (a push whose dedupeKeys another request still holds answers 409 with
 * `Retry-After`; a 409 without it is a real conflict).
 */
export function retryableStatus(status: number, retryAfter: string | null = null): boolean {
  return status === 429 || status === 503 || (status === 409 && retryAfter !== null);
}

/** `sleep(ms)`, cut short when `signal` aborts (it returns then: the caller looks at the signal). */
export async function abortableSleep(
  sleep: (ms: number) => Promise<void>,
  ms: number,
  signal?: AbortSignal,
): Promise<void> {
  if (!signal) return sleep(ms);
  if (signal.aborted) return;
  let onAbort: () => void = () => {};
  const aborted = new Promise<void>((resolve) => {
    onAbort = resolve;
    signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    await Promise.race([sleep(ms), aborted]);
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}
