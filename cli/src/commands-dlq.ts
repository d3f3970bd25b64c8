import type { Command } from "commander";
import type { DeadLetter, DeadLetterQueue, FabricClient, ReplayAllSummary } from "../../client/src/index";
import { deadLettersView, replaySummaryView } from "./dead-letters-view";
import { UsageError } from "./deps";
import { json } from "./output";
import { type Ctx, example, positiveInt } from "./program";
import { progressBar } from "./progress";

const QUEUES: DeadLetterQueue[] = ["facts", "events", "wakes"];
/** What `dlq list` shows without --limit or --all: one page of the route's default size. */
const DEFAULT_LIMIT = 100;

/** `fabric dlq list <queue>` (paged) and `fabric dlq replay <queue> <id> | --all` (also `dead-letters`). */
export function addDeadLetterCommands(program: Command, ctx: Ctx): void {
  const dl = program
    .command("dead-letters")
    .alias("dlq")
    .description("list and replay dead letters (queues: facts, events, wakes); dlq for short");
  example(
    dl
      .command("list <queue>")
      .description(`the dead letters of one queue, oldest first (the oldest ${DEFAULT_LIMIT} unless --limit or --all)`)
      .option("--limit <n>", "at most this many", positiveInt)
      .option("--all", "every one, read page by page")
      .option("--json", "print the dead letters as a JSON array"),
    "fabric dlq list wakes --json",
    "fabric dlq list facts --all",
  ).action(async (queue: string, opts: { limit?: number; all?: boolean; json?: boolean }, cmd: Command) => {
    if (opts.all && opts.limit) throw new UsageError("give --limit or --all, not both");
    const q = queueArg(queue);
    const { got, more } = await readDeadLetters(
      ctx.client(cmd, "admin"),
      q,
      opts.all ? Number.POSITIVE_INFINITY : (opts.limit ?? DEFAULT_LIMIT),
    );
    if (more) {
      ctx.deps.err(`the oldest ${got.length} shown; the queue holds more: add --all, or --limit <n>\n`);
    }
    if (opts.json) return ctx.deps.out(json(got));
    if (got.length === 0) return ctx.deps.err(`no dead letters in ${queue}\n`);
    ctx.deps.out(deadLettersView(got, ctx.deps.outColumns));
  });

  example(
    dl
      .command("replay <queue> [id]")
      .description(
        "replay one dead letter, or --all of the queue's not replayed before; the consumers are idempotent, so a repeat or a rerun after Ctrl-C applies nothing twice",
      )
      .option("--all", "every dead letter of the queue not replayed before, with a progress bar and a summary")
      .option("--include-replayed", "with --all: re-send those replayed before too")
      .option("--concurrency <n>", "with --all: replays in flight at once (default 8)", positiveInt)
      .option("--json", "print the answer (with --all: the summary) as JSON"),
    "fabric dlq replay wakes 8f3c1a52d9e04b7a9c6e2f1b0a4d7e35",
    "fabric dlq replay facts --all",
  ).action(async (queue: string, id: string | undefined, opts: ReplayOpts, cmd: Command) => {
    const q = queueArg(queue);
    if (opts.all && id) throw new UsageError("give a dead letter's id or --all, not both");
    if (!opts.all && !id) throw new UsageError(`give a dead letter's id (fabric dlq list ${q}) or --all`);
    if (!opts.all && (opts.includeReplayed || opts.concurrency)) {
      throw new UsageError("--include-replayed and --concurrency go with --all");
    }
    const client = ctx.client(cmd, "admin");
    if (id) {
      const out = await client.deadLetters.replay(q, id);
      const again = out.replayCount > 1 ? ` (again: ${out.replayCount} times now; applied once)` : "";
      return ctx.deps.out(opts.json ? json(out) : `replayed ${out.replayed}${again}\n`);
    }
    const summary = await replayAll(ctx, cmd, client, q, opts);
    ctx.deps.out(opts.json ? json(summary) : replaySummaryView(summary));
    if (summary.failed.length > 0) {
      throw new Error(`${summary.failed.length} dead letters of ${q} failed to replay (listed above); run it again`);
    }
  });
}

type ReplayOpts = { all?: boolean; includeReplayed?: boolean; concurrency?: number; json?: boolean };

/** The whole queue's replay with a bar on stderr; the first Ctrl-C stops it cleanly, a second one kills. */
async function replayAll(
  ctx: Ctx,
  cmd: Command,
  client: FabricClient,
  queue: DeadLetterQueue,
  opts: ReplayOpts,
): Promise<ReplayAllSummary> {
  const stop = new AbortController();
  const onInterrupt = () => stop.abort();
  process.once("SIGINT", onInterrupt);
  const signal = ctx.deps.signal ? AbortSignal.any([ctx.deps.signal, stop.signal]) : stop.signal;
  const bar = progressBar(ctx, cmd, `replay ${queue} [{bar}] {value}/{total} | {replayed} replayed, {failed} failed`);
  let started = false;
  try {
    return await client.deadLetters.replayAll(queue, {
      signal,
      ...(opts.includeReplayed ? { includeReplayed: true } : {}),
      ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
      onProgress: (p) => {
        if (!started) bar.start(p.total, 0, { replayed: 0, failed: 0 });
        started = true;
        bar.update(p.done, { replayed: p.replayed, failed: p.failed });
      },
    });
  } finally {
    bar.stop();
    process.removeListener("SIGINT", onInterrupt);
  }
}

/** Up to `limit` dead letters, oldest first, and whether the queue holds more. */
async function readDeadLetters(
  client: FabricClient,
  queue: DeadLetterQueue,
  limit: number,
): Promise<{ got: DeadLetter[]; more: boolean }> {
  const got: DeadLetter[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.deadLetters.page(queue, {
      pageSize: Math.min(1000, limit - got.length),
      ...(cursor ? { cursor } : {}),
    });
    got.push(...page.deadLetters);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && got.length < limit);
  return { got, more: cursor !== undefined };
}

function queueArg(q: string): DeadLetterQueue {
  if (!(QUEUES as string[]).includes(q)) throw new UsageError(`no queue "${q}": use one of ${QUEUES.join(", ")}`);
  return q as DeadLetterQueue;
}
