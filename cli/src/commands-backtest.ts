import { createHash } from "node:crypto";
import type { Command } from "commander";
import type { FabricClient, MonitorInput, TimeInput } from "../../client/src/index";
import type { FactKind } from "../../shared/src/facts";
import { timeArg } from "./commands-data";
import { readMonitorBody } from "./monitor-input";
import { json, table, time } from "./output";
import { type Ctx, example, positiveInt } from "./program";
import { fieldValue, highlight, type Sample, sparkline } from "./sparkline";

type Range = { from?: TimeInput; to?: TimeInput };
type Series = { kind: string; subject: Record<string, string>; field: string };
type Opts = { from?: string; to?: string; width?: number; json?: boolean };

/** Samples read per series for the sparkline (a backtest's matches are not limited by this). */
const MAX_SAMPLES = 10_000;

/** `fabric backtest <monitorId|file>`: the matches as a table, and each stream as a sparkline. */
export function addBacktestCommand(program: Command, ctx: Ctx): void {
  example(
    program
      .command("backtest <monitor>")
      .description("the matches a monitor (an id, or a JSON/YAML file) would have produced over the stored facts")
      .option("--from <time>", "RFC 3339 time or epoch ms")
      .option("--to <time>", "RFC 3339 time or epoch ms")
      .option("--width <n>", "the sparkline's columns at most (default 60)", positiveInt)
      .option("--json", "print the matches as a JSON array")
      .addHelpText(
        "after",
        `
Prints each stream the predicate reads over the range as a line of ▁▂▃▄▅▆▇█ with a ▲ under each match.
A file (.json, .yaml, .yml or -) is an unsaved definition: the fabric has no route that backtests a
body yet, so it is registered disabled (it never matches nor wakes a workflow) under a scratch id,
backtest-draft-<hash>, backtested, and deleted. That needs the admin token's write scope.`,
      ),
    "fabric backtest btc-100k --from 2026-11-01T00:00:00Z --to 2026-11-22T00:00:00Z",
    "fabric backtest draft.yaml --from 2026-11-01T00:00:00Z",
  ).action(async (target: string, opts: Opts, cmd: Command) => {
    const client = ctx.client(cmd, "admin");
    const range: Range = {
      ...(opts.from ? { from: timeArg(opts.from) } : {}),
      ...(opts.to ? { to: timeArg(opts.to) } : {}),
    };
    const isFile = target === "-" || /\.(json|ya?ml)$/i.test(target);
    const { matches, predicate } = isFile
      ? await backtestDraft(ctx, client, target, range)
      : {
          matches: await client.monitors.backtest(target, range),
          predicate: (await client.monitors.get(target)).predicate,
        };
    if (opts.json) return ctx.deps.out(json(matches));

    for (const s of seriesOf(predicate).slice(0, 4)) {
      const samples = await readSeries(client, s, range);
      const label = `${s.kind}:${Object.values(s.subject).join(":")} ${s.field}`;
      if (samples.length === 0) {
        ctx.deps.out(`${label}: no facts in range\n`);
        continue;
      }
      const spark = sparkline(samples, matches, opts.width ?? 60);
      ctx.deps.out(`${label}: ${samples.length} facts, ${spark.min} … ${spark.max}, ▲ = match\n`);
      ctx.deps.out(`${ctx.deps.outIsTTY ? highlight(spark) : spark.line}\n${spark.marks}\n`);
    }
    if (matches.length === 0) return ctx.deps.out("no matches\n");
    ctx.deps.out(
      table(
        ["observedAt", "matchId", "stream", "data"],
        matches.map((m) => [time(m.observedAt), m.matchId, m.streamKey, m.triggerEvent?.data]),
      ),
    );
  });
}

/** An unsaved definition, backtested as a disabled scratch monitor that is deleted afterwards. */
async function backtestDraft(ctx: Ctx, client: FabricClient, file: string, range: Range) {
  const body = await readMonitorBody(ctx.deps, file);
  const id = `backtest-draft-${createHash("sha256").update(JSON.stringify(body)).digest("hex").slice(0, 16)}`;
  ctx.deps.err(`backtesting ${file === "-" ? "stdin" : file} as disabled scratch monitor ${id} (deleted afterwards)\n`);
  await client.monitors.put(id, { ...body, enabled: false } as MonitorInput);
  try {
    return { matches: await client.monitors.backtest(id, range), predicate: body.predicate as unknown };
  } finally {
    await client.monitors.delete(id);
  }
}

/** Each distinct (stream, field) a predicate's conditions read, left to right. */
export function seriesOf(predicate: unknown): Series[] {
  const out = new Map<string, Series>();
  const walk = (p: unknown): void => {
    if (!p || typeof p !== "object") return;
    const node = p as Record<string, unknown>;
    if (Array.isArray(node.all)) node.all.forEach(walk);
    else if (Array.isArray(node.any)) node.any.forEach(walk);
    else if (node.not) walk(node.not);
    else if (node.stream && typeof node.field === "string") {
      const stream = node.stream as { kind: string; subject: Record<string, string> };
      out.set(JSON.stringify([stream, node.field]), { ...stream, field: node.field });
    }
  };
  walk(predicate);
  return [...out.values()];
}

async function readSeries(client: FabricClient, s: Series, range: Range): Promise<Sample[]> {
  const samples: Sample[] = [];
  for await (const f of client.streams.facts(s.kind as FactKind, s.subject as never, { ...range, pageSize: 500 })) {
    const value = fieldValue(f.data, s.field);
    if (value !== undefined) samples.push({ eventId: f.eventId, observedAt: f.observedAt, value });
    if (samples.length >= MAX_SAMPLES) break;
  }
  return samples;
}
