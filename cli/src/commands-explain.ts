import type { Command } from "commander";
import type { ExplainRow, ExplainTarget } from "../../client/src/index";
import { isDefinitionFile, readMonitorBody } from "./monitor-input";
import { json, table, time } from "./output";
import { type Ctx, example, positiveInt } from "./program";
import { takeFirst } from "./take-first";

type ExplainOpts = { from?: string; to?: string; limit?: number; json?: boolean };

/**
 * `fabric explain <monitorId|file>`: why a saved monitor, or a definition in a file, did or
 * did not fire at each evaluation over the stored facts: a table of the time, the stream, each
 * condition's truth and reason, and the decision.
 */
export function addExplainCommand(program: Command, ctx: Ctx): void {
  example(
    program
      .command("explain <monitorIdOrFile>")
      .description(
        "why a monitor (or an unsaved definition in a JSON/YAML file, or - for stdin) did or did not fire, evaluation by evaluation",
      )
      .option("--from <time>", "RFC 3339 time or epoch ms")
      .option("--to <time>", "RFC 3339 time or epoch ms")
      .option("--limit <n>", "at most this many evaluations (default 100)", positiveInt)
      .option("--json", "print the rows as a JSON array"),
    "fabric explain btc-100k --from 2026-12-01T00:00:00Z --limit 20",
    "fabric explain draft-monitor.yaml --json",
  ).action(async (arg: string, opts: ExplainOpts, cmd: Command) => {
    const client = ctx.client(cmd, "admin");
    // The same rule as backtest's: a file's extension (or -) makes it a definition, else an id.
    const target: ExplainTarget = isDefinitionFile(arg) ? await readMonitorBody(ctx.deps, arg) : arg;
    const limit = opts.limit ?? 100;
    const range = {
      limit: Math.min(limit, 1000),
      ...(opts.from ? { from: timeArg(opts.from) } : {}),
      ...(opts.to ? { to: timeArg(opts.to) } : {}),
    };
    const notes = new Set<string>();
    const { items: rows, more } = await takeFirst(
      client.explainRows(target, {
        ...range,
        onNotes: (said) => {
          for (const n of said) notes.add(n);
        },
      }),
      limit,
    );
    if (opts.json) return ctx.deps.out(json(rows));
    ctx.deps.out(explainTable(rows));
    for (const note of notes) ctx.deps.err(`note: ${note}\n`);
    const matched = rows.filter((r) => r.decision.outcome === "matched").length;
    ctx.deps.err(
      `${rows.length} evaluation(s), ${matched} matched${more ? `; more after ${time(rows.at(-1)?.observedAt)}: raise --limit or pass a later --from` : ""}\n`,
    );
  });
}

/** One line an evaluation: time, stream, each condition's truth and why, the decision. */
export function explainTable(rows: ExplainRow[]): string {
  const conditions = rows[0]?.conditions ?? [];
  const head = ["time", "stream", ...conditions.map((c) => `#${c.index}${c.path ? ` ${c.path}` : ""}`), "decision"];
  return table(
    head,
    rows.map((r) => [
      time(r.observedAt),
      r.streamKey,
      ...r.conditions.map((c) => `${c.truth ? "true" : "false"}: ${c.reason}`),
      r.decision.reason,
    ]),
  );
}

function timeArg(v: string): string | number {
  return /^\d+$/.test(v) ? Number(v) : v;
}
