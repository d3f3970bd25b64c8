import { SingleBar } from "cli-progress";
import type { Command } from "commander";
import type { Match, StoredFact } from "../../client/src/index";
import { FabricError } from "../../client/src/index";
import type { FactInput, FactKind } from "../../shared/src/facts";
import { UsageError } from "./deps";
import { followMatches } from "./follow";
import { dedupeKeyFrom, parseFacts, readInput } from "./input";
import { cell, json, table, time } from "./output";
import { type Ctx, example, positiveInt } from "./program";

type MatchesOpts = { limit?: number; after?: string; follow?: boolean; interval?: number; json?: boolean };

/** Facts per `facts.push` call, so the bar moves between calls (the client splits each further). */
const PUSH_CHUNK = 1000;

/** `fabric matches`, `fabric backtest`, `fabric facts push`, `fabric streams facts`. */
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
    const got: Match[] = [];
    const pages = client.matches(id, { pageSize: Math.min(limit, 500), ...(opts.after ? { after: opts.after } : {}) });
    for await (const m of pages) {
      got.push(m);
      if (got.length >= limit) break;
    }
    printMatches(ctx, got, opts.json);
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

  example(
    program
      .command("backtest <monitorId>")
      .description("the matches the monitor's definition would have produced over stored facts")
      .option("--from <time>", "RFC 3339 time or epoch ms")
      .option("--to <time>", "RFC 3339 time or epoch ms")
      .option("--json", "print the matches as a JSON array"),
    "fabric backtest btc-100k --from 2026-11-01T00:00:00Z --to 2026-11-22T00:00:00Z",
  ).action(async (id: string, opts: { from?: string; to?: string; json?: boolean }, cmd: Command) => {
    const client = ctx.client(cmd, "admin");
    const got = await client.monitors.backtest(id, {
      ...(opts.from ? { from: timeArg(opts.from) } : {}),
      ...(opts.to ? { to: timeArg(opts.to) } : {}),
    });
    printMatches(ctx, got, opts.json);
  });

  const facts = program.command("facts").description("push facts");
  example(
    facts
      .command("push")
      .description("push facts from a JSON array or NDJSON file (or stdin), split, retried and signed by the client")
      .option("-f, --file <path>", "JSON array, { facts: [...] } or NDJSON; - or none reads stdin")
      .option("--dedupe-key <fields>", "give each fact a dedupeKey from these fields, e.g. subject.symbol,observedAt")
      .option("--msgpack", "send msgpack bodies instead of JSON")
      .option("--json", "print { accepted, duplicates, eventIds } as JSON"),
    "fabric facts push --file prices.ndjson --dedupe-key subject.symbol,observedAt",
  ).action(async (opts: { file?: string; dedupeKey?: string; msgpack?: boolean; json?: boolean }, cmd: Command) => {
    const client = ctx.client(cmd, "producer");
    const { text, name } = await readInput(ctx.deps, opts.file);
    const all = parseFacts(text, name);
    const dedupeKey = dedupeKeyFrom(opts.dedupeKey);
    if (dedupeKey) for (const f of all) dedupeKey(f); // a missing field is a usage error before any push

    const bar = new SingleBar({
      stream: ctx.deps.errStream,
      format: "push [{bar}] {value}/{total} facts | {rate} facts/s | {accepted} accepted, {duplicates} duplicates",
      hideCursor: true,
    });
    const started = Date.now();
    const total = { accepted: 0, duplicates: 0, eventIds: [] as string[] };
    bar.start(all.length, 0, { accepted: 0, duplicates: 0, rate: 0 });
    try {
      for (let i = 0; i < all.length; i += PUSH_CHUNK) {
        const chunk = all.slice(i, i + PUSH_CHUNK);
        const r = await client.facts.push(chunk as FactInput[], {
          ...(dedupeKey ? { dedupeKey } : {}),
          ...(opts.msgpack ? { format: "msgpack" as const } : {}),
        });
        total.accepted += r.accepted;
        total.duplicates += r.duplicates;
        total.eventIds.push(...r.eventIds);
        const secs = Math.max((Date.now() - started) / 1000, 0.001);
        bar.update(i + chunk.length, { ...total, rate: Math.round((i + chunk.length) / secs) });
      }
    } catch (e) {
      bar.stop();
      const done = total.accepted + total.duplicates;
      if (e instanceof FabricError) {
        const p = e.pushed;
        const before = done + (p ? p.accepted + p.duplicates : 0);
        const resume = dedupeKey
          ? "re-run the same command to resume (dedupeKeys make it safe)"
          : "facts without a dedupeKey would be recorded again by a re-run: push the rest, or re-run with --dedupe-key";
        ctx.deps.err(
          before === 0
            ? `nothing was pushed (0 of ${all.length} facts)\n`
            : `pushed ${before} of ${all.length} facts before the failure; ${resume}\n`,
        );
        e.pushed = undefined;
      }
      throw e;
    }
    bar.stop();
    if (opts.json) return ctx.deps.out(json(total));
    ctx.deps.out(`pushed ${all.length} facts: ${total.accepted} accepted, ${total.duplicates} duplicates\n`);
  });

  const streams = program.command("streams").description("read a stream's stored facts");
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
      const got: StoredFact[] = [];
      const pages = client.streams.facts(kind as FactKind, subject as never, {
        pageSize: Math.min(limit, 500),
        ...(opts.from ? { from: timeArg(opts.from) } : {}),
        ...(opts.to ? { to: timeArg(opts.to) } : {}),
      });
      for await (const f of pages) {
        got.push(f);
        if (got.length >= limit) break;
      }
      if (opts.json) return ctx.deps.out(json(got));
      if (got.length === 0) return ctx.deps.err("no facts\n");
      ctx.deps.out(
        table(
          ["observedAt", "eventId", "streamKey", "data"],
          got.map((f) => [time(f.observedAt), f.eventId, f.streamKey, f.data]),
        ),
      );
    },
  );
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
function timeArg(v: string): string | number {
  return /^\d+$/.test(v) ? Number(v) : v;
}
