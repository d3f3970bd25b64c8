import type { Command } from "commander";
import type { DeliveryRetryResult } from "../../client/src/index";
import { count, json, table } from "./output";
import { type Ctx, example } from "./program";

/**
 * `fabric deliveries retry`: after fixing why notify-trigger-match failed (a token, a runtime that
 * was down), every shard's undelivered matches go out now instead of at their next backoff.
 */
export function addDeliveryCommands(program: Command, ctx: Ctx): void {
  const deliveries = program
    .command("deliveries")
    .description("the shards' match outboxes: retry now what waits out a backoff (needs the write scope)");
  example(
    deliveries
      .command("retry")
      .description(
        "make every undelivered match that waits out a backoff due now, on every shard, and start delivering; idempotent, safe during a burst (no match is sent twice)",
      )
      .option("--json", "print the answer as JSON ({madeDue, undelivered, shards})"),
    "fabric deliveries retry",
    "fabric deliveries retry --json",
  ).action(async (opts: { json?: boolean }, cmd: Command) => {
    const answer = await ctx.client(cmd, "admin").admin.retryDeliveries();
    ctx.deps.out(opts.json ? json(answer) : retryView(answer));
  });
}

/** What the retry did, in words, and the shards it moved or that still hold matches. */
export function retryView(r: DeliveryRetryResult): string {
  if (r.undelivered === 0 && r.madeDue === 0) return "nothing to retry: no match waits for delivery on any shard\n";
  const head =
    r.madeDue === 0
      ? `no match was waiting out a backoff; ${count(r.undelivered)} undelivered are due or being delivered now\n`
      : `made ${count(r.madeDue)} undelivered match${r.madeDue === 1 ? "" : "es"} due now; each shard is delivering them\n`;
  const busy = r.shards.filter((s) => s.madeDue > 0 || s.undelivered > 0);
  const rows = busy.map((s) => [s.shard, count(s.madeDue), count(s.undelivered)]);
  return `${head}${table(["shard", "made due", "undelivered"], rows, { compact: true, right: [0, 1, 2] })}watch them go out: fabric stats (match delivery, outbox); still failing? the last failure says why\n`;
}
