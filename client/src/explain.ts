import type { ExplainPage, ExplainRow } from "../../shared/src/contract/explain";
import { toPredicate } from "./predicate";
import type { Transport } from "./transport";
import { type MonitorInput, type TimeInput, timeParam } from "./types";

export type { ExplainCondition, ExplainDecision, ExplainPage, ExplainRow } from "../../shared/src/contract/explain";

/**
 * Which evaluations to explain: an event-time range and a page (`cursor`: a page's nextCursor).
 * `onNotes` (explainRows only) hears each page's notes: what no row can say, such as a stream
 * with no stored fact or facts skipped as stale.
 */
export type ExplainQuery = {
  from?: TimeInput;
  to?: TimeInput;
  limit?: number;
  cursor?: string;
  onNotes?: (notes: string[]) => void;
};

/** A saved monitor by id, or a definition not saved yet (with an optional monitorId for its matchIds). */
export type ExplainTarget = string | (MonitorInput & { monitorId?: string });

type Ctx = { transport: Transport; token: () => string };
const enc = encodeURIComponent;

/**
 * One page of explain: why the monitor (or the unsaved definition) did or did not fire at each
 * evaluation over the stored facts, with no side effects.
 *
 * @example await explainPage(ctx, "btc-100k", { from: "2026-12-01T00:00:00Z" })
 */
export function explainPage(ctx: Ctx, target: ExplainTarget, query: ExplainQuery = {}): Promise<ExplainPage> {
  const range = {
    from: timeParam(query.from),
    to: timeParam(query.to),
    limit: query.limit,
    cursor: query.cursor,
  };
  if (typeof target === "string") {
    return ctx.transport.json({
      method: "POST",
      path: `/v1/monitors/${enc(target)}/explain`,
      token: ctx.token(),
      json: range,
    });
  }
  const monitor = { ...target, predicate: toPredicate(target.predicate) };
  return ctx.transport.json({ method: "POST", path: "/v1/explain", token: ctx.token(), json: { monitor, ...range } });
}

/** Every row of the range, page after page, fetching the next page only when the caller gets there. */
export async function* explainRows(
  ctx: Ctx,
  target: ExplainTarget,
  query: ExplainQuery = {},
): AsyncGenerator<ExplainRow> {
  let cursor = query.cursor;
  do {
    const page = await explainPage(ctx, target, { ...query, ...(cursor ? { cursor } : {}) });
    if (page.notes) query.onNotes?.(page.notes);
    yield* page.rows;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}
