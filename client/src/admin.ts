import type { FactKind } from "../../shared/src/facts";
import { type Subject, toPredicate } from "./predicate";
import type { Transport } from "./transport";
import {
  type BacktestMatch,
  type Match,
  type Monitor,
  type MonitorInput,
  type MonitorStatus,
  type StoredFact,
  type StreamRead,
  type TimeInput,
  timeParam,
} from "./types";

/**
 * The admin resources: monitors, their matches, stream facts and dead letters (whoami, stats and
 * rebuilds are in fabric-admin.ts).
 * Every list is an async iterator that fetches the next page only when the caller gets there.
 */
export type Ctx = { transport: Transport; token: () => string };

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

  /** Remove; `expectedVersion` makes it conditional (412 FabricError when the monitor has moved on). */
  async delete(id: string, opts: { expectedVersion?: number } = {}): Promise<void> {
    await this.ctx.transport.send({
      method: "DELETE",
      path: `/v1/monitors/${enc(id)}`,
      token: this.ctx.token(),
      query: { expectedVersion: opts.expectedVersion },
    });
  }

  async *list(filters: MonitorFilters = {}): AsyncGenerator<Monitor> {
    let cursor: string | undefined;
    do {
      const page = await this.page(filters, cursor);
      yield* page.monitors;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }

  /** One page of the list, for a UI with a "load more" button: pass its nextCursor back. */
  async page(
    filters: MonitorFilters = {},
    cursor?: string,
  ): Promise<{ monitors: Monitor[]; nextCursor: string | null }> {
    const { pageSize, ...rest } = filters;
    return this.ctx.transport.json({
      method: "GET",
      path: "/v1/monitors",
      token: this.ctx.token(),
      query: { ...rest, limit: pageSize, cursor },
    });
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

/**
 * A monitor's matches in event-time order (newest first with `order: "desc"`), page by page
 * (`after` = the last matchId seen).
 */
export async function* matches(
  ctx: Ctx,
  id: string,
  opts: { after?: string; pageSize?: number; order?: "asc" | "desc" } = {},
): AsyncGenerator<Match> {
  const limit = opts.pageSize ?? 100;
  let after = opts.after;
  for (;;) {
    const page: { matches: Match[] } = await ctx.transport.json({
      method: "GET",
      path: `/v1/monitors/${enc(id)}/matches`,
      token: ctx.token(),
      query: { limit, after, order: opts.order },
    });
    yield* page.matches;
    const last = page.matches.at(-1);
    if (!last || page.matches.length < limit) return;
    after = last.matchId;
  }
}

/** Filters of `streams.list`: one fact kind, and text the key or subject contains (any case). */
export type StreamFilters = { kind?: FactKind; q?: string /** Page size (1–500). */; pageSize?: number };

export class Streams {
  constructor(private readonly ctx: Ctx) {}

  /**
   * The streams the fabric holds in key order, each with its stored facts, event-time span and
   * monitor count, fetching each page when the caller gets there.
   *
   * @example for await (const s of fabric.streams.list({ q: "btc" })) console.log(s.streamKey, s.facts);
   */
  async *list(filters: StreamFilters = {}): AsyncGenerator<StreamRead> {
    let cursor: string | undefined;
    do {
      const page = await this.page(filters, cursor);
      yield* page.streams;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }

  /** One page of the list, for a UI with a "load more" button: pass its nextCursor back. */
  page(filters: StreamFilters = {}, cursor?: string): Promise<{ streams: StreamRead[]; nextCursor: string | null }> {
    const { pageSize, ...rest } = filters;
    return this.ctx.transport.json({
      method: "GET",
      path: "/v1/streams",
      token: this.ctx.token(),
      query: { ...rest, limit: pageSize, cursor },
    });
  }

  /** A stream's stored facts in event-time order (newest first with `order: "desc"`), page by page. */
  async *facts<K extends FactKind>(
    kind: K,
    subject: Subject<K>,
    opts: { from?: TimeInput; to?: TimeInput; pageSize?: number; order?: "asc" | "desc" } = {},
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
          order: opts.order,
          cursor,
        },
      });
      yield* page.facts;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }
}
