import type { FactInput } from "../../shared/src/facts";
import { DeadLetters, type MonitorFilters, Monitors, matches, type RebuildOptions, rebuild, Streams } from "./admin";
import {
  type ExplainPage,
  type ExplainQuery,
  type ExplainRow,
  type ExplainTarget,
  explainPage,
  explainRows,
} from "./explain";
import { type MatchStreamOptions, matchStream } from "./match-stream";
import { Pusher, type PushOptions, type PushResult } from "./push";
import type { RetryOptions } from "./retry";
import { type FetchLike, Transport } from "./transport";
import type { Match, MonitorInput, RebuildStatus } from "./types";

/**
 * One client object, configured once (modelled on Stripe's and Inngest's SDKs). Runs on Node ≥ 18,
 * Workers and browsers: it needs only fetch, crypto.subtle and TextEncoder.
 *
 * @example
 * const fabric = new FabricClient({ baseUrl: "http://127.0.0.1:8787", token: "dev-admin-token",
 *   producerToken: "dev-producer-token" });
 * await fabric.facts.push([{ kind: "market_price", subject: { symbol: "BTC-USD" },
 *   observedAt: Date.now(), data: { price: 101_000 } }]);
 * for await (const m of fabric.matches("btc-100k")) console.log(m.matchId);
 */
export type FabricClientOptions = {
  baseUrl: string;
  /** The admin token (monitors, matches, streams, dead letters, stats, rebuilds). */
  token?: string;
  /** The producer token for `facts.push` (defaults to `token`). */
  producerToken?: string;
  /** The producer's signing secret: every push is then signed (x-fabric-timestamp/-signature). */
  signingSecret?: string;
  retry?: RetryOptions;
  fetch?: FetchLike;
  /** For tests: waiting, the clock and the jitter source. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  random?: () => number;
};

export class FabricClient {
  readonly facts: { push<F extends FactInput>(facts: readonly F[], opts?: PushOptions<F>): Promise<PushResult> };
  readonly monitors: Monitors;
  readonly streams: Streams;
  readonly deadLetters: DeadLetters;
  private readonly transport: Transport;
  private readonly options: FabricClientOptions;

  constructor(options: FabricClientOptions) {
    this.options = options;
    this.transport = new Transport({
      baseUrl: options.baseUrl,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.retry ? { retry: options.retry } : {}),
      ...(options.sleep ? { sleep: options.sleep } : {}),
      ...(options.now ? { now: options.now } : {}),
      ...(options.random ? { random: options.random } : {}),
    });
    const admin = { transport: this.transport, token: () => this.need("token", options.token) };
    const pusher = new Pusher(
      this.transport,
      () => this.need("producerToken", options.producerToken ?? options.token),
      options.signingSecret,
    );
    this.facts = { push: (facts, opts) => pusher.push(facts, opts) };
    this.monitors = new Monitors(admin);
    this.streams = new Streams(admin);
    this.deadLetters = new DeadLetters(admin);
  }

  /** A monitor's matches in event-time order, as an async iterator over pages. */
  matches(monitorId: string, opts: { after?: string; pageSize?: number } = {}): AsyncGenerator<Match> {
    return matches(this.admin(), monitorId, opts);
  }

  /** One page of why a saved monitor did or did not fire at each evaluation (no side effects). */
  explain(monitorId: string, range: ExplainQuery = {}): Promise<ExplainPage> {
    return explainPage(this.admin(), monitorId, range);
  }

  /** The same for a definition not saved yet: would it have fired, and when. */
  explainDefinition(body: MonitorInput & { monitorId?: string }, range: ExplainQuery = {}): Promise<ExplainPage> {
    return explainPage(this.admin(), body, range);
  }

  /** Every explained evaluation of a monitor id or an unsaved definition, as an async iterator over pages. */
  explainRows(target: ExplainTarget, range: ExplainQuery = {}): AsyncGenerator<ExplainRow> {
    return explainRows(this.admin(), target, range);
  }

  /**
   * Live matches (GET /v1/matches/stream), filtered, resumable, reconnecting on drops, until
   * `signal` aborts: see match-stream.ts.
   */
  matchStream(opts: MatchStreamOptions = {}): AsyncGenerator<Match> {
    const o = this.options;
    return matchStream(
      {
        baseUrl: o.baseUrl,
        token: this.need("token", o.token),
        fetch: o.fetch ?? ((input, init) => globalThis.fetch(input, init)),
        sleep: o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
        random: o.random ?? Math.random,
        now: o.now ?? Date.now,
      },
      opts,
    );
  }

  /** Facts, matches, backlogs, queue lag and dead-letter counts. */
  stats(): Promise<Record<string, unknown>> {
    return this.transport.json({ method: "GET", path: "/v1/admin/stats", token: this.admin().token() });
  }

  /** Rebuilds the projections, reporting progress, until complete (or a FabricError if it failed). */
  rebuild(opts: RebuildOptions = {}): Promise<RebuildStatus> {
    const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    return rebuild(this.admin(), opts, sleep, this.options.now ?? Date.now);
  }

  private admin() {
    return { transport: this.transport, token: () => this.need("token", this.options.token) };
  }

  private need(name: string, value: string | undefined): string {
    if (!value) throw new TypeError(`FabricClient: this call needs the ${name} option`);
    return value;
  }
}

export type { MonitorFilters };
