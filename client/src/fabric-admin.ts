import type { Ctx } from "./admin";
import { FabricError } from "./errors";
import type { DeliveryRetryResult, RebuildStatus, Whoami } from "./types";

/**
 * The fabric-wide admin calls: what the caller's token may do, the stats, "retry now" of the match
 * outboxes, and projection rebuilds (started and read one call at a time, or run to the end with `rebuild`).
 *
 * @example const { scopes } = await fabric.admin.whoami(); if (scopes.includes("write")) …
 */
export type RebuildOptions = {
  projections?: string[];
  /** Called with every status read, the last one included. */
  onProgress?: (status: RebuildStatus) => void;
  /** Between status reads (default 500 ms). */
  pollIntervalMs?: number;
  /** Give up waiting after this long (default 10 min); the rebuild itself goes on. */
  timeoutMs?: number;
};

/** How `rebuild` waits between status reads and tells the time (tests inject both). */
export type Clock = { sleep: (ms: number) => Promise<void>; now: () => number };

export class FabricAdmin {
  constructor(
    private readonly ctx: Ctx,
    private readonly clock: Clock,
  ) {}

  /** The scopes the client's token holds (GET /v1/admin/whoami); any admin token may ask. */
  async whoami(): Promise<Whoami> {
    return this.ctx.transport.json({ method: "GET", path: "/v1/admin/whoami", token: this.ctx.token() });
  }

  /** Facts, matches, backlogs, queue lag and dead-letter counts. */
  async stats<T = Record<string, unknown>>(): Promise<T> {
    return this.ctx.transport.json({ method: "GET", path: "/v1/admin/stats", token: this.ctx.token() });
  }

  /**
   * Retry now (`write` scope): every shard's undelivered matches waiting out a backoff are sent at
   * once, after the cause of failing deliveries is fixed. Idempotent, so the transport may retry it.
   *
   * @example const { madeDue } = await fabric.admin.retryDeliveries();
   */
  async retryDeliveries(): Promise<DeliveryRetryResult> {
    return this.ctx.transport.json({ method: "POST", path: "/v1/admin/deliveries/retry", token: this.ctx.token() });
  }

  /** Starts a rebuild (not retried: a retry would start a second one) and answers its id. */
  async startRebuild(projections?: string[]): Promise<{ rebuildId: string }> {
    return this.ctx.transport.json({
      method: "POST",
      path: "/v1/admin/projections/rebuild",
      token: this.ctx.token(),
      json: projections ? { projections } : {},
      retry: false,
    });
  }

  async rebuildStatus(rebuildId: string): Promise<RebuildStatus> {
    return this.ctx.transport.json({
      method: "GET",
      path: `/v1/admin/projections/rebuild/${encodeURIComponent(rebuildId)}`,
      token: this.ctx.token(),
    });
  }

  /** Starts a rebuild and polls it until complete; a failed rebuild is a thrown FabricError. */
  async rebuild(opts: RebuildOptions = {}): Promise<RebuildStatus> {
    const { sleep, now } = this.clock;
    const { rebuildId } = await this.startRebuild(opts.projections);
    const timeoutMs = opts.timeoutMs ?? 600_000;
    const deadline = now() + timeoutMs;
    for (;;) {
      const status = await this.rebuildStatus(rebuildId);
      opts.onProgress?.(status);
      if (status.status === "complete") return status;
      if (status.status === "failed") {
        throw new FabricError({
          status: 0,
          title: "Rebuild failed",
          detail: `rebuild ${rebuildId} failed: ${status.error ?? "no reason given"}`,
          code: "internal",
          problem: status,
        });
      }
      if (now() > deadline) {
        throw new FabricError({
          status: 0,
          title: "Rebuild still running",
          detail: `rebuild ${rebuildId} was still running after ${timeoutMs} ms`,
          code: "unavailable",
          problem: status,
        });
      }
      await sleep(opts.pollIntervalMs ?? 500);
    }
  }
}
