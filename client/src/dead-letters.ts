import type { Ctx } from "./admin";
import { FabricError } from "./errors";
import type { DeadLetter, DeadLetterQueue } from "./types";

const enc = encodeURIComponent;

/** One page of a queue's dead letters: pass `nextCursor` back for the next one (null: the last). */
export type DeadLetterPage = { deadLetters: DeadLetter[]; nextCursor: string | null };

export type ReplayAllOptions = {
  /** Replays in flight at once (default 8). */
  concurrency?: number;
  /** Also re-send dead letters replayed before (default: skip them; they were re-sent already). */
  includeReplayed?: boolean;
  /** Page size of the listing walk (default 1000, the most the route gives). */
  pageSize?: number;
  /** Aborting stops starting new replays; those in flight finish, and the summary says `interrupted`. */
  signal?: AbortSignal;
  /** Called once the walk knows how many to replay, and after each replay. */
  onProgress?: (p: { done: number; total: number; replayed: number; failed: number }) => void;
};

/** What `replayAll` did; `failed` holds each failure's id and the fabric's reason. */
export type ReplayAllSummary = {
  queue: DeadLetterQueue;
  /** Dead letters listed (all of the queue when the walk began). */
  listed: number;
  /** Re-sent by this run. */
  replayed: number;
  /** Skipped: replayed before (by an earlier run, the console, or `replay <id>`). */
  alreadyReplayed: number;
  /** Listed but no longer there when their turn came (404). */
  gone: string[];
  failed: { id: string; status: number; reason: string }[];
  /** The signal aborted the run before every dead letter had its turn. */
  interrupted: boolean;
};

/**
 * The dead letters of Queue facts, events or wakes: listed oldest first (the order recorded), page
 * by page, and replayed one by one or all. The consumers are idempotent, so a repeated replay, or a
 * `replayAll` run again after an interruption, applies nothing twice.
 *
 * @example for await (const d of fabric.deadLetters.list("facts")) console.log(d.id, d.reason);
 */
export class DeadLetters {
  constructor(private readonly ctx: Ctx) {}

  /** Every dead letter of the queue, oldest first, fetching each page when the caller gets there. */
  async *list(queue: DeadLetterQueue, opts: { pageSize?: number } = {}): AsyncGenerator<DeadLetter> {
    let cursor: string | undefined;
    do {
      const page = await this.page(queue, { ...opts, ...(cursor ? { cursor } : {}) });
      yield* page.deadLetters;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }

  /** One page, for a UI with a "load more" button: pass its nextCursor back as `cursor`. */
  page(queue: DeadLetterQueue, opts: { pageSize?: number; cursor?: string } = {}): Promise<DeadLetterPage> {
    return this.ctx.transport.json({
      method: "GET",
      path: `/v1/admin/dead-letters/${queue}`,
      token: this.ctx.token(),
      query: { limit: opts.pageSize, cursor: opts.cursor },
    });
  }

  /**
   * Replays one dead letter (the consumers are idempotent, so a retry is safe). `replayCount` is how
   * often it has now been re-sent: above 1, this was a repeat.
   */
  replay(queue: DeadLetterQueue, id: string): Promise<{ replayed: string; replayCount: number }> {
    return this.ctx.transport.json({
      method: "POST",
      path: `/v1/admin/dead-letters/${queue}/${enc(id)}/replay`,
      token: this.ctx.token(),
    });
  }

  /**
   * Replays every dead letter of the queue not replayed before, `concurrency` at a time: first the
   * whole list is walked (what is dead-lettered later waits for the next run), then each is re-sent.
   * A token refused (401, 403) stops the run by throwing; any other failure is counted with its reason.
   *
   * @example const s = await fabric.deadLetters.replayAll("facts"); if (s.failed.length) process.exitCode = 1;
   */
  async replayAll(queue: DeadLetterQueue, opts: ReplayAllOptions = {}): Promise<ReplayAllSummary> {
    const ids: string[] = [];
    let listed = 0;
    for await (const d of this.list(queue, { pageSize: opts.pageSize ?? 1000 })) {
      listed++;
      if (opts.includeReplayed || d.replayed_at == null) ids.push(d.id);
      if (opts.signal?.aborted) break;
    }
    const summary: ReplayAllSummary = {
      queue,
      listed,
      replayed: 0,
      alreadyReplayed: listed - ids.length,
      gone: [],
      failed: [],
      interrupted: false,
    };
    const progress = () =>
      opts.onProgress?.({
        done: summary.replayed + summary.gone.length + summary.failed.length,
        total: ids.length,
        replayed: summary.replayed,
        failed: summary.failed.length,
      });
    progress();
    let next = 0;
    const worker = async () => {
      for (;;) {
        if (opts.signal?.aborted) return;
        const id = ids[next++];
        if (id === undefined) return;
        await this.replayOne(queue, id, summary);
        progress();
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 8) }, worker));
    summary.interrupted = opts.signal?.aborted === true && next < ids.length;
    return summary;
  }

  private async replayOne(queue: DeadLetterQueue, id: string, summary: ReplayAllSummary): Promise<void> {
    try {
      await this.replay(queue, id);
      summary.replayed++;
    } catch (err) {
      if (!(err instanceof FabricError)) throw err;
      // The same token is refused for every id: stop instead of counting thousands of failures.
      if (err.status === 401 || err.status === 403) throw err;
      if (err.status === 404) summary.gone.push(id);
      else summary.failed.push({ id, status: err.status, reason: err.detail || err.title });
    }
  }
}
