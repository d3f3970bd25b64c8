/**
 * Limits of one WorkflowMonitorTickWorkflow instance, well inside Workflows' limits (1024 steps per
 * instance by default, 1 MiB per step result): at most `iterations` take/wait rounds, each at most
 * 1 + 3 tick attempts + 2 backoffs × 2 steps + 1 settle ≈ 9 steps, so < 300 steps. A busier
 * session hands over to a successor instance instead of growing.
 *
 * @example backoffMs(1) // 120_000
 */
export const SESSION_BUDGET = { iterations: 32, tickAttempts: 3 } as const;

const BACKOFF_MS = [30_000, 120_000, 600_000] as const;
export function backoffMs(attempt: number): number {
  return BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)] ?? 600_000;
}

/** A tick step retries quickly in place before the workflow backs off on time. */
export const TICK_STEP_CONFIG = {
  retries: { limit: 2, delay: "2 seconds", backoff: "exponential" },
  timeout: "2 minutes",
} as const;

const UNIT_MS: Record<string, number> = {
  second: 1000,
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
  week: 604_800_000,
};

/**
 * WAIT_TIMEOUT ("1 hour", "30 minutes", or milliseconds) → ms; invalid or empty → 1 hour.
 *
 * @example parseDuration("2 minutes") // 120_000
 */
export function parseDuration(text: string | undefined, fallbackMs = 3_600_000): number {
  const s = (text ?? "").trim();
  if (/^\d+$/.test(s)) return Number(s);
  const m = /^(\d+(?:\.\d+)?)\s*(second|minute|hour|day|week)s?$/i.exec(s);
  const unit = m?.[2] ? UNIT_MS[m[2].toLowerCase()] : undefined;
  return m && unit ? Math.round(Number(m[1]) * unit) : fallbackMs;
}
