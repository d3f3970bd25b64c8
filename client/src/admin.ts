import type { FactKind } from "../../shared/src/facts";
import { FabricError } from "./errors";
import { type Subject, toPredicate } from "./predicate";
import type { Transport } from "./transport";
import {
  type BacktestMatch,
  type DeadLetter,
  type DeadLetterQueue,
  type Match,
  type Monitor,
  type MonitorInput,
  type MonitorStatus,
  type RebuildStatus,
  type StoredFact,
  type TimeInput,
  timeParam,
} from "./types";

/**
 * The admin resources: monitors, their matches, stream facts, dead letters, stats and rebuilds.
 * Every list is an async iterator that fetches the next page only when the caller gets there.
 */
type Ctx = { transport: Transport; token: () => string };

const enc = encodeURIComponent;

export type MonitorFilters = {
  workflowId?: string;
  ownerUserId?: string;
  /** A stream key, e.g. `market_price:BTC-USD`. */
  stream?: string;
  enabled?: boolean;
  /** `expired` once expiresAt has passed; `active` / `disabled` otherwise, by `enabled`. */
  status?: MonitorStatus;
  /** Page size (1–500). */
  pageSize?: number;
};

export class Monitors {
  constructor(private readonly ctx: Ctx) {}

  /** Register (created: true) or update; `expectedVersion` makes it conditional (412 FabricError). */
  async put(
    id: string,
    body: MonitorInput,
    opts: { expectedVersion?: number } = {},
  ): Promise<{ monitorId: string; version: number; created: boolean }> {
    const res = await this.ctx.transport.send({
      method: "PUT",
      path: `/v1/monitors/${enc(id)}`,
      token: this.ctx.token(),
      json: {
        ...body,
        predicate: toPredicate(body.predicate),
        ...(opts.expectedVersion === undefined ? {} : { expectedVersion: opts.expectedVersion }),
      },
    });
    const out = (await res.json()) as { monitorId: string; version: number };
    return { ...out, created: res.status === 201 };
  }

  get(id: string): Promise<Monitor> {
    return this.ctx.transport.json({ method: "GET", path: `/v1/monitors/${enc(id)}`, token: this.ctx.token() });
  }

  async delete(id: string): Promise<void> {
    await this.ctx.transport.send({ method: "DELETE", path: `/v1/monitors/${enc(id)}`, token: this.ctx.token() });
  }

  async *list(filters: MonitorFilters = {}): AsyncGenerator<Monitor> {
    const { pageSize, ...rest } = filters;
    let cursor: string | undefined;
    do {
      const page: { monitors: Monitor[]; nextCursor: string | null } = await this.ctx.transport.json({
        method: "GET",
        path: "/v1/monitors",
        token: this.ctx.token(),
        query: { ...rest, limit: pageSize, cursor },
      });
      yield* page.monitors;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }

  /** The matches the current definition would have produced over the stored facts (no side effects). */
  async backtest(id: string, range: { from?: TimeInput; to?: TimeInput } = {}): Promise<BacktestMatch[]> {
    const body = { from: timeParam(range.from), to: timeParam(range.to) };
    const out: { matches: BacktestMatch[] } = await this.ctx.transport.json({
      method: "POST",
      path: `/v1/monitors/${enc(id)}/backtest`,
      token: this.ctx.token(),
      json: body,
    });
    return out.matches;
  }
}

/** A monitor's matches in event-time order, page by page (`after` = the last matchId seen). */
export async function* matches(
  ctx: Ctx,
  id: string,
  opts: { after?: string; pageSize?: number } = {},
): AsyncGenerator<Match> {
  const limit = opts.pageSize ?? 100;
  let after = opts.after;
  for (;;) {
    const page: { matches: Match[] } = await ctx.transport.json({
      method: "GET",
      path: `/v1/monitors/${enc(id)}/matches`,
      token: ctx.token(),
      query: { limit, after },
    });
    yield* page.matches;
    const last = page.matches.at(-1);
    if (!last || page.matches.length < limit) return;
    after = last.matchId;
  }
}

export class Streams {
  constructor(private readonly ctx: Ctx) {}

  /** A stream's stored facts in event-time order, page by page. */
  async *facts<K extends FactKind>(
    kind: K,
    subject: Subject<K>,
    opts: { from?: TimeInput; to?: TimeInput; pageSize?: number } = {},
  ): AsyncGenerator<StoredFact> {
    let cursor: string | undefined;
    do {
      const page: { facts: StoredFact[]; nextCursor: string | null } = await this.ctx.transport.json({
        method: "GET",
        path: `/v1/streams/${enc(kind)}/facts`,
        token: this.ctx.token(),
        query: {
          ...(subject as Record<string, string>),
          from: timeParam(opts.from),
          to: timeParam(opts.to),
          limit: opts.pageSize,
          cursor,
        },
      });
      yield* page.facts;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }
}

export class DeadLetters {
  constructor(private readonly ctx: Ctx) {}

  async list(queue: DeadLetterQueue, opts: { limit?: number } = {}): Promise<DeadLetter[]> {
    const out: { deadLetters: DeadLetter[] } = await this.ctx.transport.json({
      method: "GET",
      path: `/v1/admin/dead-letters/${queue}`,
      token: this.ctx.token(),
      query: { limit: opts.limit },
    });
    return out.deadLetters;
  }

  /** Replays one dead letter (the consumers are idempotent, so a retry is safe). */
  replay(queue: DeadLetterQueue, id: string): Promise<{ replayed: string }> {
    return this.ctx.transport.json({
      method: "POST",
      path: `/v1/admin/dead-letters/${queue}/${enc(id)}/replay`,
      token: this.ctx.token(),
    });
  }
}

export type RebuildOptions = {
  projections?: string[];
  /** Called with every status read, the last one included. */
  onProgress?: (status: RebuildStatus) => void;
  /** Between status reads (default 500 ms). */
  pollIntervalMs?: number;
  /** Give up waiting after this long (default 10 min); the rebuild itself goes on. */
  timeoutMs?: number;
};

/** Starts a rebuild and polls it until complete; a failed rebuild is a thrown FabricError. */
export async function rebuild(
  ctx: Ctx,
  opts: RebuildOptions,
  sleep: (ms: number) => Promise<void>,
  now: () => number,
): Promise<RebuildStatus> {
  const { rebuildId } = await ctx.transport.json<{ rebuildId: string }>({
    method: "POST",
    path: "/v1/admin/projections/rebuild",
    token: ctx.token(),
    json: opts.projections ? { projections: opts.projections } : {},
    retry: false,
  });
  const deadline = now() + (opts.timeoutMs ?? 600_000);
  for (;;) {
    const status = await ctx.transport.json<RebuildStatus>({
      method: "GET",
      path: `/v1/admin/projections/rebuild/${enc(rebuildId)}`,
      token: ctx.token(),
    });
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
        detail: `rebuild ${rebuildId} was still running after ${opts.timeoutMs ?? 600_000} ms`,
        code: "unavailable",
        problem: status,
      });
    }
    await sleep(opts.pollIntervalMs ?? 500);
  }
}
