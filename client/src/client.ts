import type { FactInput } from "../../shared/src/facts";
import { AdminClient, type AdminClientOptions } from "./admin-client";
import { Pusher, type PushOptions, type PushResult } from "./push";

/**
 * One client object, configured once (modelled on Stripe's and Inngest's SDKs). Runs on Node ≥ 18,
 * Workers and browsers: it needs only fetch, crypto.subtle and TextEncoder. Every admin call is
 * AdminClient's (admin-client.ts); this adds `facts.push` with the producer token.
 *
 * @example
 * const fabric = new FabricClient({ baseUrl: "http://127.0.0.1:8787", token: "dev-admin-token",
 *   producerToken: "dev-producer-token" });
 * await fabric.facts.push([{ kind: "market_price", subject: { symbol: "BTC-USD" },
 *   observedAt: Date.now(), data: { price: 101_000 } }]);
 * for await (const m of fabric.matches("btc-100k")) console.log(m.matchId);
 */
export type FabricClientOptions = AdminClientOptions & {
  /** The producer token for `facts.push` (defaults to `token`). */
  producerToken?: string;
  /** The producer's signing secret: every push is then signed (x-fabric-timestamp/-signature). */
  signingSecret?: string;
};

export class FabricClient extends AdminClient {
  readonly facts: { push<F extends FactInput>(facts: readonly F[], opts?: PushOptions<F>): Promise<PushResult> };

  constructor(options: FabricClientOptions) {
    super(options);
    const admin = options.token;
    const producerToken = () =>
      this.need("producerToken", options.producerToken ?? (typeof admin === "function" ? admin() : admin) ?? undefined);
    const pusher = new Pusher(this.transport, producerToken, options.signingSecret);
    this.facts = { push: (facts, opts) => pusher.push(facts, opts) };
  }
}

export type { MonitorFilters } from "./admin-client";
