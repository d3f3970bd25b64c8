import type { Command } from "commander";
import type { Match, StoredFact } from "../../client/src/index";
import type { FactKind } from "../../shared/src/facts";
import { addStreamListCommand } from "./commands-streams";
import { UsageError } from "./deps";
import { followMatches } from "./follow";
import { cell, json, table, time } from "./output";
import { type Ctx, example, positiveInt } from "./program";
import { takeFirst } from "./take-first";

type MatchesOpts = { limit?: number; after?: string; follow?: boolean; interval?: number; json?: boolean };

/** `fabric matches`, `fabric streams facts`, `fabric streams ls`. */
export function addDataCommands(program: Command, ctx: Ctx): void {
  const matches = example(
    program
      .command("matches <monitorId>")
      .description("a monitor's matches in event-time order (`matches tail <monitorId>`: follow them live)")
      .option("--limit <n>", "at most this many (default 100)", positiveInt)
      .option("--after <matchId>", "only matches after this one")
      .option("-f, --follow", "keep printing new matches as they arrive, one a line, until Ctrl-C")
      .option(
        "--interval <ms>",
        "with --follow, on a fabric without the live stream: between polls (default 1000)",
        positiveInt,
      )
      .option("--json", "print the matches as a JSON array (with --follow: one JSON object a line)"),
    "fabric matches btc-100k --limit 20",
    "fabric matches btc-100k --follow --json",
  );
  matches.action(async (id: string, opts: MatchesOpts, cmd: Command) => {
    const client = ctx.client(cmd, "admin");
    if (opts.follow) {
      return followMatches(ctx, client, id, {
        intervalMs: opts.interval ?? 1000,
        ...(opts.after ? { after: opts.after } : {}),
        ...(opts.json ? { json: true } : {}),
      });
    }
    const limit = opts.limit ?? 100;
    const pages = client.matches(id, { pageSize: pageSize(limit), ...(opts.after ? { after: opts.after } : {}) });
    const { items: got, more } = await takeFirst(pages, limit);
    printMatches(ctx, got, opts.json);
    // On stderr, so `--json` output stays exactly the matches.
    const last = got.at(-1)?.matchId;
    if (more && last) ctx.deps.err(`first ${limit} matches shown; more: raise --limit or pass --after ${last}\n`);
  });
  // `fabric matches tail <id>`: the spelling of `matches <id> --follow` that `tail -f` users expect.
  example(
    matches
      .command("tail <monitorId>")
      .description("the matches so far, then each new one live as it is recorded, until Ctrl-C")
      .option("--after <matchId>", "start after this match")
      .option("--interval <ms>", "on a fabric without the live stream: between polls (default 1000)", positiveInt)
      .option("--json", "one JSON object a line"),
    "fabric matches tail btc-100k",
    "fabric matches tail btc-100k --json",
  ).action(async (id: string, _opts: MatchesOpts, cmd: Command) => {
    // `matches` has the same options and commander gives them to it wherever they stand: merged here.
    const opts = cmd.optsWithGlobals<MatchesOpts>();
    return followMatches(ctx, ctx.client(cmd, "admin"), id, {
      intervalMs: opts.interval ?? 1000,
      ...(opts.after ? { after: opts.after } : {}),
      ...(opts.json ? { json: true } : {}),
    });
  });

  const streams = program
    .command("streams")
    .description("list the streams the fabric holds (`streams ls`), read a stream's stored facts");
  addStreamListCommand(streams, ctx);
  example(
    streams
      .command("facts <kind>")
      .description("a stream's stored facts in event-time order")
      .option("--symbol <symbol>", "the subject's symbol (market kinds)")
      .option("--subject <key=value...>", "other subject fields, e.g. --subject portfolioId=p1")
      .option("--from <time>", "RFC 3339 time or epoch ms")
      .option("--to <time>", "RFC 3339 time or epoch ms")
      .option("--limit <n>", "at most this many (default 100)", positiveInt)
      .option("--json", "print the facts as a JSON array"),
    "fabric streams facts market_price --symbol BTC-USD --from 2026-11-22T00:00:00Z",
  ).action(
    async (
      kind: string,
      opts: { symbol?: string; subject?: string[]; from?: string; to?: string; limit?: number; json?: boolean },
      cmd: Command,
    ) => {
      const client = ctx.client(cmd, "admin");
      const subject: Record<string, string> = opts.symbol ? { symbol: opts.symbol } : {};
      for (const kv of opts.subject ?? []) {
        const at = kv.indexOf("=");
        if (at < 1) throw new UsageError(`--subject takes key=value, not "${kv}"`);
        subject[kv.slice(0, at)] = kv.slice(at + 1);
      }
      if (Object.keys(subject).length === 0)
        throw new UsageError("name the stream's subject: --symbol or --subject key=value");
      const limit = opts.limit ?? 100;
      const pages = client.streams.facts(kind as FactKind, subject as never, {
        pageSize: pageSize(limit),
        ...(opts.from ? { from: timeArg(opts.from) } : {}),
        ...(opts.to ? { to: timeArg(opts.to) } : {}),
      });
      const { items: got, next } = await takeFirst<StoredFact>(pages, limit);
      if (opts.json) ctx.deps.out(json(got));
      else if (got.length === 0) ctx.deps.err("no facts\n");
      else
        ctx.deps.out(
          table(
            ["observedAt", "eventId", "streamKey", "data"],
            got.map((f) => [time(f.observedAt), f.eventId, f.streamKey, f.data]),
          ),
        );
      // `--from` is inclusive: the first fact not shown is where the next read starts.
      if (next)
        ctx.deps.err(`first ${limit} facts shown; more: raise --limit or pass --from ${time(next.observedAt)}\n`);
    },
  );
}

/** One row past the limit fits in the first page, so a cut answer costs no extra request. */
function pageSize(limit: number): number {
  return Math.min(limit + 1, 500);
}

function printMatches(ctx: Ctx, got: (Match & { streamKey?: string })[], asJson?: boolean): void {
  if (asJson) ctx.deps.out(json(got));
  else if (got.length === 0) ctx.deps.err("no matches\n");
  else
    ctx.deps.out(
      table(
        ["observedAt", "matchId", "version", "subject", "data"],
        got.map((m) => [
          time(m.observedAt),
          m.matchId,
          m.monitorVersion,
          cell(m.triggerEvent?.subject),
          m.triggerEvent?.data,
        ]),
      ),
    );
}

/** Epoch ms stays a number; anything else goes to the fabric as written (RFC 3339). */
export function timeArg(v: string): string | number {
  return /^\d+$/.test(v) ? Number(v) : v;
}
