import type { Command } from "commander";
import type { ExplainRow, FabricClient, MonitorInput, TimeInput } from "../../client/src/index";
import type { FactKind } from "../../shared/src/facts";
import { timeArg } from "./commands-data";
import { isDefinitionFile, readMonitorBody } from "./monitor-input";
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
A file (.json, .yaml, .yml or -) is an unsaved definition: it is explained over the stored facts of
every stream it reads, on whichever shard (POST /v1/explain, replayed as enabled like a backtest) and its rows whose decision is matched are
the matches; nothing is written, and a read-scoped token is enough. With --json those rows are
printed whole (each condition's values and reason).`,
      ),
    "fabric backtest btc-100k --from 2026-11-01T00:00:00Z --to 2026-11-22T00:00:00Z",
    "fabric backtest draft.yaml --from 2026-11-01T00:00:00Z",
  ).action(async (target: string, opts: Opts, cmd: Command) => {
    const client = ctx.client(cmd, "admin");
    const range: Range = {
      ...(opts.from ? { from: timeArg(opts.from) } : {}),
      ...(opts.to ? { to: timeArg(opts.to) } : {}),
    };
    const isFile = isDefinitionFile(target);
    const { matches, predicate, shown, notes } = isFile
      ? await backtestDraft(ctx, client, target, range)
      : await backtestSaved(client, target, range);
    if (opts.json) return ctx.deps.out(json(shown));

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
    if (matches.length === 0) {
      ctx.deps.out("no matches\n");
      for (const note of notes) ctx.deps.err(`note: ${note}\n`);
      return ctx.deps.err(`why: fabric explain ${target} shows each evaluation and its reason\n`);
    }
    ctx.deps.out(
      table(
        ["observedAt", "matchId", "stream", "data"],
        matches.map((m) => [time(m.observedAt), m.matchId, m.streamKey, m.data]),
      ),
    );
  });
}

/** A match as the table shows it: `data` is the trigger event's data, or a draft's comparisons. */
type Fired = { matchId: string; eventId: string; observedAt: number; streamKey: string; data: unknown };

async function backtestSaved(client: FabricClient, id: string, range: Range) {
  const found = await client.monitors.backtest(id, range);
  const matches: Fired[] = found.map((m) => ({ ...m, data: m.triggerEvent?.data }));
  const predicate = (await client.monitors.get(id)).predicate as unknown;
  return { matches, shown: found as unknown, predicate, notes: new Set<string>() };
}

/**
 * An unsaved definition: explained with no side effects, replayed as enabled (as a backtest
 * replays a saved monitor); the rows whose decision is `matched` are its matches.
 */
async function backtestDraft(ctx: Ctx, client: FabricClient, file: string, range: Range) {
  const body = await readMonitorBody(ctx.deps, file);
  const rows: ExplainRow[] = [];
  const notes = new Set<string>();
  const query = {
    ...range,
    limit: 1000,
    onNotes: (said: string[]) => {
      for (const n of said) notes.add(n);
    },
  };
  for await (const row of client.explainRows({ ...body, enabled: true } as MonitorInput, query)) {
    if (row.decision.outcome === "matched") rows.push(row);
  }
  const matches: Fired[] = rows.map((r) => ({
    matchId: r.decision.outcome === "matched" ? r.decision.matchId : "",
    eventId: r.eventId,
    observedAt: r.observedAt,
    streamKey: r.streamKey,
    data: r.conditions
      .filter((c) => c.evaluated)
      .map((c) => c.comparison)
      .join("; "),
  }));
  return { matches, shown: rows as unknown, predicate: body.predicate as unknown, notes };
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
