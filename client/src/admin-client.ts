import { type Ctx, type MonitorFilters, Monitors, matches, Streams } from "./admin";
import { DeadLetters } from "./dead-letters";
import {
  type ExplainPage,
  type ExplainQuery,
  type ExplainRow,
  type ExplainTarget,
  explainPage,
  explainRows,
} from "./explain";
import { FabricAdmin, type RebuildOptions } from "./fabric-admin";
import { type MatchStreamOptions, matchStream } from "./match-stream";
import { Transport, type TransportOptions } from "./transport";
import type { Match, MonitorInput, RebuildStatus } from "./types";

/**
 * Every admin-token call of the fabric, without `facts.push` (and so without its msgpack encoder):
 * what a page or a tool that only reads and manages monitors needs. `FabricClient` is this plus
 * pushing. The token may be a function, read at each call, for a UI whose user signs in and out.
 *
 * @example
 * const fabric = new AdminClient({ baseUrl: location.origin, token: () => session.token(),
 *   onRefused: (e) => { if (e.status === 401) session.signOut(); } });
 * const { scopes } = await fabric.admin.whoami();
 */
/** The transport's options (retries, timeout, fetch, onRefused, test hooks: see transport.ts) and the token. */
export type AdminClientOptions = TransportOptions & {
  /** The admin token (monitors, matches, streams, dead letters, stats, rebuilds), or how to get it. */
  token?: string | (() => string | null | undefined);
};

export class AdminClient {
  readonly monitors: Monitors;
  readonly streams: Streams;
  readonly deadLetters: DeadLetters;
  /** whoami, stats and rebuilds. */
  readonly admin: FabricAdmin;
  protected readonly transport: Transport;
  private readonly base: AdminClientOptions;

  constructor(options: AdminClientOptions) {
    this.base = options;
    this.transport = new Transport(options);
    const admin = this.ctx();
    this.monitors = new Monitors(admin);
    this.streams = new Streams(admin);
    this.deadLetters = new DeadLetters(admin);
    this.admin = new FabricAdmin(admin, { sleep: this.sleep(), now: options.now ?? Date.now });
  }

  /** A monitor's matches in event-time order (newest first with `order: "desc"`), as an async iterator over pages. */
  matches(
    monitorId: string,
    opts: { after?: string; pageSize?: number; order?: "asc" | "desc" } = {},
  ): AsyncGenerator<Match> {
    return matches(this.ctx(), monitorId, opts);
  }

  /** One page of why a saved monitor did or did not fire at each evaluation (no side effects). */
  explain(monitorId: string, range: ExplainQuery = {}): Promise<ExplainPage> {
    return explainPage(this.ctx(), monitorId, range);
  }

  /** The same for a definition not saved yet: would it have fired, and when. */
  explainDefinition(body: MonitorInput & { monitorId?: string }, range: ExplainQuery = {}): Promise<ExplainPage> {
    return explainPage(this.ctx(), body, range);
  }

  /** Every explained evaluation of a monitor id or an unsaved definition, as an async iterator over pages. */
  explainRows(target: ExplainTarget, range: ExplainQuery = {}): AsyncGenerator<ExplainRow> {
    return explainRows(this.ctx(), target, range);
  }

  /**
   * Live matches (GET /v1/matches/stream), filtered, resumable, reconnecting on drops, until
   * `signal` aborts; `onOpen` / `onReconnecting` say when it is live or retrying: see match-stream.ts.
   */
  async *matchStream(opts: MatchStreamOptions = {}): AsyncGenerator<Match> {
    const o = this.base;
    const deps = {
      baseUrl: o.baseUrl,
      token: this.token(),
      fetch: o.fetch ?? ((input: string, init: RequestInit) => globalThis.fetch(input, init)),
      sleep: this.sleep(),
      random: o.random ?? Math.random,
      now: o.now ?? Date.now,
      timeoutMs: this.transport.timeoutMs,
      timeoutSignal: this.transport.timeoutSignal,
    };
    try {
      yield* matchStream(deps, opts);
    } catch (e) {
      throw this.transport.refused(e, { method: "GET", path: "/v1/matches/stream" });
    }
  }

  /** Facts, matches, backlogs, queue lag and dead-letter counts (also `admin.stats()`). */
  stats(): Promise<Record<string, unknown>> {
    return this.admin.stats();
  }

  /** Rebuilds the projections, reporting progress, until complete (or a FabricError if it failed). */
  rebuild(opts: RebuildOptions = {}): Promise<RebuildStatus> {
    return this.admin.rebuild(opts);
  }

  /** The admin token now: a function's answer is read at each call. */
  protected token(): string {
    const t = this.base.token;
    return this.need("token", typeof t === "function" ? (t() ?? undefined) : t);
  }

  protected need(name: string, value: string | undefined): string {
    if (!value) throw new TypeError(`FabricClient: this call needs the ${name} option`);
    return value;
  }

  private ctx(): Ctx {
    return { transport: this.transport, token: () => this.token() };
  }

  private sleep(): (ms: number) => Promise<void> {
    return this.base.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }
}

export type { MonitorFilters };
