import type { Command } from "commander";
import { type FabricClient, FabricError, type PushConflict, withFactIndexOffset } from "../../client/src/index";
import type { FactInput } from "../../shared/src/facts";
import { UsageError } from "./deps";
import { readInput } from "./input";
import { json } from "./output";
import type { Ctx } from "./program";
import { example } from "./program";
import { progressBar } from "./progress";
import { conflictWarnings } from "./push-conflicts";
import {
  assignDedupeKeys,
  type ColumnMap,
  collectColumns,
  factsFromCsv,
  factsFromJson,
  formatOf,
  type SourcedFact,
} from "./push-input";

/** Facts per `facts.push` call, so the bar moves between calls (the client splits each further). */
const PUSH_CHUNK = 1000;

type PushOpts = {
  file?: string;
  format?: string;
  kind?: string;
  subject?: ColumnMap;
  observedAt?: string;
  data?: ColumnMap;
  delimiter: string;
  dedupeKey?: string;
  msgpack?: boolean;
  json?: boolean;
};

const HELP = `
Input: NDJSON (.ndjson, .jsonl), JSON (.json: an array or { "facts": [...] }) or CSV (.csv), from
the file or stdin (- or no file); --format overrides the extension. A CSV's first line names its
columns, and the flags map them onto facts: --kind for every row, --subject and --data as
field=column pairs (comma-separated or repeated), --observed-at the time column (epoch ms or
RFC 3339). Data cells must be numbers; a missing column or a bad cell stops before anything is
pushed, naming the column and the line.

Resuming: every fact gets a dedupeKey that is the same on every run: its own, else the
--dedupe-key template ({column} for CSV, {subject.symbol}-style paths for JSON), else one derived
from its content (sha256 of kind, subject, observedAt and data; identical rows are one fact). So
re-running a push that failed part-way sends everything again and the fabric answers the facts
already in as duplicates. A fact whose dedupeKey was already recorded for different content is
not recorded either: push warns on stderr for each (a key not unique per fact, e.g. one per minute).`;

/** `fabric push [file]`, and `fabric facts push` (the same command, with the older `--file`). */
export function addPushCommands(program: Command, ctx: Ctx): void {
  const push = (cmd: Command) =>
    cmd
      .option("--format <format>", "ndjson, json or csv (default: from the file's extension; stdin: JSON or NDJSON)")
      .option("--kind <kind>", "CSV: the kind of every row's fact, e.g. market_price")
      .option("--subject <field=column>", "CSV: subject fields from columns, e.g. symbol=sym", collectColumns)
      .option("--observed-at <column>", "CSV: the event-time column", "observedAt")
      .option("--data <field=column>", "CSV: numeric data fields from columns, e.g. price=px,bid=b", collectColumns)
      .option("--delimiter <char>", "CSV: the column separator", ",")
      .option(
        "--dedupe-key <template>",
        "each fact's dedupeKey, e.g. '{sym}:{ts}' (CSV) or '{subject.symbol}:{observedAt}'",
      )
      .option("--msgpack", "send msgpack bodies instead of JSON")
      .option("--json", "print { accepted, duplicates, eventIds, conflicts? } as JSON")
      .addHelpText("after", HELP);

  example(
    push(
      program
        .command("push [file]")
        .description("push facts from NDJSON, JSON or CSV (a file, or - for stdin), with a progress bar"),
    ),
    "fabric push prices.ndjson",
    "fabric push prices.csv --kind market_price --subject symbol=sym --observed-at ts --data price=px --dedupe-key '{sym}:{ts}'",
    "cat prices.ndjson | fabric push - --json",
  ).action((file: string | undefined, opts: PushOpts, cmd: Command) => pushFacts(ctx, cmd, file, opts));

  const facts = program.command("facts").description("push facts (the same as fabric push)");
  example(
    push(
      facts
        .command("push [file]")
        .description("the same as fabric push")
        .option("-f, --file <path>", "the input file (or give it as the argument)"),
    ),
    "fabric facts push --file prices.ndjson --dedupe-key '{subject.symbol}:{observedAt}'",
  ).action((file: string | undefined, opts: PushOpts, cmd: Command) => pushFacts(ctx, cmd, file ?? opts.file, opts));
}

async function pushFacts(ctx: Ctx, cmd: Command, file: string | undefined, opts: PushOpts): Promise<void> {
  const { text, name } = await readInput(ctx.deps, file);
  const csvFlags = opts.kind || opts.subject || opts.data;
  const format = formatOf(name, opts.format) ?? (csvFlags ? "csv" : undefined);
  if (format !== "csv" && csvFlags) {
    throw new UsageError(`--kind, --subject and --data map CSV columns: ${name} is not CSV (give --format csv)`);
  }
  const sourced: SourcedFact[] =
    format === "csv"
      ? factsFromCsv(text, name, {
          ...(opts.kind ? { kind: opts.kind } : {}),
          subject: opts.subject ?? [],
          data: opts.data ?? [],
          observedAt: opts.observedAt ?? "observedAt",
          delimiter: opts.delimiter,
        })
      : factsFromJson(text, name);
  const all = assignDedupeKeys(sourced, opts.dedupeKey);
  const client = ctx.client(cmd, "producer");
  const wheres = sourced.map((s) => s.where);
  const { conflicts, ...total } = await pushWithProgress(ctx, cmd, client, all, wheres, opts.msgpack === true);
  ctx.deps.err(conflictWarnings(conflicts, wheres));
  if (opts.json) return ctx.deps.out(json(conflicts.length > 0 ? { ...total, conflicts } : total));
  ctx.deps.out(
    `pushed ${all.length} ${all.length === 1 ? "fact" : "facts"}: ${total.accepted} accepted, ${total.duplicates} ${total.duplicates === 1 ? "duplicate" : "duplicates"}\n`,
  );
}

/** Pushes in chunks under a bar (facts/s, accepted, duplicates); a failure says how far it got. */
async function pushWithProgress(
  ctx: Ctx,
  cmd: Command,
  client: FabricClient,
  all: FactInput[],
  wheres: string[],
  msgpack: boolean,
) {
  const bar = progressBar(
    ctx,
    cmd,
    "push [{bar}] {value}/{total} facts | {rate} facts/s | {accepted} accepted, {duplicates} duplicates",
  );
  const started = Date.now();
  const total = { accepted: 0, duplicates: 0, eventIds: [] as string[], conflicts: [] as PushConflict[] };
  bar.start(all.length, 0, { accepted: 0, duplicates: 0, rate: 0 });
  let i = 0;
  try {
    for (; i < all.length; i += PUSH_CHUNK) {
      const chunk = all.slice(i, i + PUSH_CHUNK);
      const r = await client.facts.push(chunk, msgpack ? { format: "msgpack" } : {});
      total.accepted += r.accepted;
      total.duplicates += r.duplicates;
      total.eventIds.push(...r.eventIds);
      // The client numbers conflicts within this chunk; the input's numbering starts at i.
      total.conflicts.push(...(r.conflicts ?? []).map((c) => ({ ...c, index: c.index + i })));
      const secs = Math.max((Date.now() - started) / 1000, 0.001);
      const { accepted, duplicates } = total;
      bar.update(i + chunk.length, { accepted, duplicates, rate: Math.round((i + chunk.length) / secs) });
    }
  } catch (e) {
    bar.stop();
    if (e instanceof FabricError) {
      const p = e.pushed;
      const before = total.accepted + total.duplicates + (p ? p.accepted + p.duplicates : 0);
      const earlier = (p?.conflicts ?? []).map((c) => ({ ...c, index: c.index + i }));
      ctx.deps.err(conflictWarnings([...total.conflicts, ...earlier], wheres));
      ctx.deps.err(
        before === 0
          ? `nothing was pushed (0 of ${all.length} facts)\n`
          : `pushed ${before} of ${all.length} facts before the failure; re-run the same command to resume (the facts already in come back as duplicates)\n`,
      );
      e.pushed = undefined;
      throw withSources(withFactIndexOffset(e, i), wheres);
    }
    throw e;
  }
  bar.stop();
  return total;
}

/** Each `facts.<i>` issue also names the row it came from (`p.csv line 1502`, `p.ndjson fact 1501`). */
function withSources(e: FabricError, wheres: string[]): FabricError {
  const errors = e.errors.map((issue) => {
    const where = wheres[Number(/^facts\.(\d+)(?:\.|$)/.exec(issue.path)?.[1] ?? Number.NaN)];
    return where ? { ...issue, message: `${issue.message} (${where})` } : issue;
  });
  const { status, title, detail, code, problem } = e;
  return new FabricError({ status, title, detail, code, errors, problem, ...(e.type ? { type: e.type } : {}) });
}
