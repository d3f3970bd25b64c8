/**
 * Exponential backoff with full jitter for outbox redelivery: 1 s, 2 s, 4 s … capped at 5 minutes.
 * A delivery keeps retrying until acknowledged; the cap bounds how stale a wake-up can get.
 *
 * @example nextAttemptAt(3, Date.now()) // within 8 s from now
 */
export const BACKOFF_BASE_MS = 1000;
export const BACKOFF_CAP_MS = 300_000;

export function nextAttemptAt(attempts: number, now: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1));
  return now + Math.max(100, Math.floor(ceiling * random()));
}

/** How a notify answer settles an outbox entry: delivered, never deliverable, or retry later. */
export function classifyNotify(status: number): "delivered" | "rejected" | "retry" {
  if (status >= 200 && status < 300) return "delivered";
  // 404/409/422: the monitor or workflow is gone or refuses this match; retrying cannot help.
  if (status === 404 || status === 409 || status === 422 || status === 400) return "rejected";
  return "retry";
}
