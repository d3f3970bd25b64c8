/**
 * Paces workflow instance creations to a rate the platform allows (Cloudflare Workflows: about
 * 100 creations per second per workflow, 429 above it). A token bucket: `ratePerSecond` tokens a
 * second, at most `burst` saved up; `delayFor(n)` reserves n creations and says how long to wait
 * before starting them. After a 429 the pacer holds everything until the given time, so a burst
 * backs off together instead of each wake retrying on its own.
 *
 * @example const pacer = new WakePacer(100); await sleep(pacer.delayFor(10, Date.now()));
 */
export class WakePacer {
  private tokens: number;
  private updatedAt = Number.NEGATIVE_INFINITY;
  /** No creation starts before this time (set after a 429). */
  private holdUntil = 0;

  constructor(
    readonly ratePerSecond: number,
    // A tenth of a second's worth: starts spread evenly, so a burst of wakes never lands on the
    // runtime (or the platform's per-second window) all at once.
    readonly burst = Math.max(1, Math.ceil(ratePerSecond / 10)),
  ) {
    this.tokens = burst;
  }

  /** Reserves `n` creations; the ms to wait before starting them (0: now). */
  delayFor(n: number, now: number): number {
    this.refill(now);
    this.tokens -= n;
    const debt = this.tokens < 0 ? (-this.tokens / this.ratePerSecond) * 1000 : 0;
    return Math.ceil(Math.max(debt, this.holdUntil - now, 0));
  }

  /** The platform refused creations (429): start nothing before `until`. */
  holdUntilTime(until: number): void {
    this.holdUntil = Math.max(this.holdUntil, until);
  }

  /** Until when creations are held after a 429 (0: not held). */
  heldUntil(now: number): number {
    return this.holdUntil > now ? this.holdUntil : 0;
  }

  private refill(now: number): void {
    if (this.updatedAt === Number.NEGATIVE_INFINITY) this.updatedAt = now;
    const earned = ((now - this.updatedAt) / 1000) * this.ratePerSecond;
    this.tokens = Math.min(this.burst, this.tokens + earned);
    this.updatedAt = now;
  }
}

/** WAKE_RATE_PER_S as a positive number (default 100, Workflows' published creation limit per workflow). */
export function wakeRate(raw: string | undefined): number {
  const n = Number(raw);
  return raw !== undefined && raw !== "" && Number.isFinite(n) && n > 0 ? n : 100;
}
