import type { Command } from "commander";
import type { StreamRead } from "../../client/src/index";
import type { FactKind } from "../../shared/src/facts";
import { count, json, table, time } from "./output";
import { type Ctx, example, positiveInt } from "./program";
import { takeFirst } from "./take-first";

type ListOpts = { kind?: string; q?: string; limit?: number; json?: boolean };

/**
 * `fabric streams ls`: the streams the fabric holds, in key order, with their stored facts, the
 * event time they span and how many monitors read them: where a producer's subject is checked
 * (`--q btc` shows BTC-USD beside a BTCUSD typo).
 */
export function addStreamListCommand(streams: Command, ctx: Ctx): void {
  example(
    streams
      .command("ls")
      .alias("list")
      .description("the streams the fabric holds: key, stored facts, first and last observedAt, monitors")
      .option("--kind <kind>", "only streams of this fact kind, e.g. market_price")
      .option("--q <text>", "only streams whose key or subject contains this text (any case)")
      .option("--limit <n>", "at most this many (default 100)", positiveInt)
      .option("--json", "print the streams as a JSON array"),
    "fabric streams ls --q btc",
    "fabric streams ls --kind portfolio_nav_usd --json",
  ).action(async (opts: ListOpts, cmd: Command) => {
    const client = ctx.client(cmd, "admin");
    const limit = opts.limit ?? 100;
    const pages = client.streams.list({
      ...(opts.kind ? { kind: opts.kind as FactKind } : {}),
      ...(opts.q ? { q: opts.q } : {}),
      // One row past the limit fits in the first page, so a cut answer costs no extra request.
      pageSize: Math.min(limit + 1, 500),
    });
    const { items, more } = await takeFirst<StreamRead>(pages, limit);
    if (opts.json) ctx.deps.out(json(items));
    else if (items.length === 0) ctx.deps.err(opts.kind || opts.q ? "no streams match\n" : "no streams yet\n");
    else
      ctx.deps.out(
        table(
          ["key", "facts", "first", "last", "monitors"],
          items.map((s) => [s.streamKey, count(s.facts), time(s.firstObservedAt), time(s.lastObservedAt), s.monitors]),
          { right: [1, 4] },
        ),
      );
    // On stderr, so `--json` output stays exactly the streams.
    if (more) ctx.deps.err(`first ${limit} streams shown; more: raise --limit or narrow with --kind or --q\n`);
  });
}
