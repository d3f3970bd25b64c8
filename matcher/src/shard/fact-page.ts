import type { FactPage, FactPageQuery } from "../../../shared/src/contract/shard-rpc";
import type { AcceptedFact } from "../../../shared/src/facts";

/**
 * A page of a stream's facts in event-time order (newest first with `order: "desc"`): by observedAt, then eventId (a ULID, so facts
 * at the same instant keep the order they were accepted in). The cursor is the last fact's
 * `observedAt.eventId`; stale facts (logged, never applied) are part of what was stored.
 *
 * @example factPage(facts, { limit: 100 }) // { facts: [...100], nextCursor: "1795341660000.01K…" }
 */
export function factPage(facts: readonly AcceptedFact[], query: FactPageQuery): FactPage {
  const { items, nextCursor } = positionPage(facts, query);
  return { facts: items, nextCursor };
}

/**
 * factPage over anything with a position: a shard pages its stream's positions (seq, observedAt,
 * eventId: three columns, no JSON) and reads only the page's facts, so a page of a long stream
 * does not parse every fact of it.
 */
export function positionPage<T extends Position>(
  items: readonly T[],
  query: FactPageQuery,
): { items: T[]; nextCursor: string | null } {
  const after = parseCursor(query.cursor);
  // Newest first for `desc`: the cursor then continues before (older than) the last fact of a page.
  const sign = query.order === "desc" ? -1 : 1;
  const inOrder = (a: Position, b: Position) => sign * (a.observedAt - b.observedAt || compare(a.eventId, b.eventId));
  const sorted = sortedCopy(items, inOrder);
  const rest = after ? sorted.filter((f) => inOrder(f, after) > 0) : sorted;
  const page = rest.slice(0, query.limit);
  const last = page[page.length - 1];
  return { items: page, nextCursor: rest.length > query.limit && last ? `${last.observedAt}.${last.eventId}` : null };
}

export type Position = { observedAt: number; eventId: string };

/**
 * `items` sorted. A shard's positions come in log order, which is event-time order for every fact
 * but the few stale ones: one pass finds them already in order (or in reverse, for `desc`) and
 * skips a sort of the whole stream.
 */
function sortedCopy<T>(items: readonly T[], inOrder: (a: T, b: T) => number): T[] {
  let ascending = true;
  let descending = true;
  for (let i = 1; i < items.length && (ascending || descending); i++) {
    const c = inOrder(items[i - 1] as T, items[i] as T);
    if (c > 0) ascending = false;
    if (c < 0) descending = false;
  }
  if (ascending) return [...items];
  if (descending) return [...items].reverse();
  return [...items].sort(inOrder);
}

/** The cursor's position, or undefined for none; a malformed cursor reads from the start. */
export function parseCursor(cursor: string | undefined): Position | undefined {
  const m = cursor?.match(/^(\d+)\.(.+)$/);
  return m ? { observedAt: Number(m[1]), eventId: m[2] as string } : undefined;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
