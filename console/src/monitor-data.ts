import { FabricError } from "../../client/src/errors";
import type { ExplainTarget } from "../../client/src/explain";
import type { ExplainRow } from "../../shared/src/contract/explain";
import type { FactKind } from "../../shared/src/facts";
import { fabric } from "./fabric";
import type { Match, Monitor, MonitorInput, StoredFact, StreamRef } from "./types";

/**
 * The reads behind a monitor's page, through the client library's paging, each to the end (or to
 * a cap that keeps a browser tab responsive).
 *
 * @example const facts = await streamFacts({ kind: "market_price", subject: { symbol: "BTC-USD" } });
 */
export const CAPS = { facts: 20_000, matches: 5_000, explainRows: 3_000 } as const;
const PAGE = 1000;

export function readMonitor(monitorId: string): Promise<Monitor> {
  return fabric.monitors.get(monitorId);
}

/** The first `cap` items of a paged iterator (it fetches a page only when the loop gets there). */
async function take<T>(items: AsyncIterable<T>, cap: number): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) {
    out.push(item);
    if (out.length >= cap) break;
  }
  return out;
}

export function allMatches(monitorId: string, after?: string): Promise<Match[]> {
  return take(fabric.matches(monitorId, { pageSize: PAGE, ...(after ? { after } : {}) }), CAPS.matches);
}

/** The newest `CAPS.matches` matches, oldest first: a monitor with more shows its recent ones, not its first. */
export async function newestMatches(monitorId: string): Promise<Match[]> {
  return (await take(fabric.matches(monitorId, { pageSize: PAGE, order: "desc" }), CAPS.matches)).reverse();
}

/**
 * The newest `CAPS.facts` facts of a stream, oldest first, read newest first so that a stream longer
 * than the cap shows its recent end (not its first hours). `onPage` gets what is read so far after
 * each page, so a chart draws the newest facts at once and fills in older ones as they arrive.
 */
export async function streamFacts(
  stream: StreamRef,
  onPage: (factsSoFar: StoredFact[]) => void = () => {},
): Promise<StoredFact[]> {
  // The kind and subject come from a stored predicate, which the fabric validated.
  const pages = fabric.streams.facts(stream.kind as FactKind, stream.subject as never, {
    pageSize: PAGE,
    order: "desc",
  });
  const newestFirst: StoredFact[] = [];
  for await (const fact of pages) {
    newestFirst.push(fact);
    if (newestFirst.length % PAGE === 0) onPage([...newestFirst].reverse());
    if (newestFirst.length >= CAPS.facts) break;
  }
  const facts = newestFirst.reverse();
  onPage(facts);
  return facts;
}

/** An explain over the whole stored log, or `unavailable` when the fabric has no explain route yet. */
/** `notes`: what explain says that no row can (registered after its facts, a stream with no facts, …), once each. */
export type ExplainResult = { rows: ExplainRow[]; truncated: boolean; notes: string[] } | { unavailable: string };

/** Explains a saved monitor (by id) or a definition not saved yet, page by page up to the cap. */
export async function explainAll(target: ExplainTarget): Promise<ExplainResult> {
  const rows: ExplainRow[] = [];
  const notes = new Set<string>();
  let cursor: string | undefined;
  try {
    do {
      const range = { limit: PAGE, ...(cursor ? { cursor } : {}) };
      const page =
        typeof target === "string"
          ? await fabric.explain(target, range)
          : await fabric.explainDefinition(target, range);
      rows.push(...page.rows);
      for (const note of page.notes ?? []) notes.add(note);
      cursor = page.nextCursor ?? undefined;
    } while (cursor && rows.length < CAPS.explainRows);
  } catch (err) {
    // A route this fabric does not serve yet answers 404 "No route …" (not a missing monitor).
    if (err instanceof FabricError && (err.status === 404 || err.status === 405) && /route/i.test(err.message)) {
      const route = typeof target === "string" ? "explain" : "POST /v1/explain";
      return { unavailable: `This fabric has no ${route} route yet (${err.status}).` };
    }
    throw err;
  }
  return { rows, truncated: Boolean(cursor), notes: [...notes] };
}

/** The PUT body of a monitor: its definition without identity, version or state. */
export function bodyOf(m: Monitor): MonitorInput {
  const { monitorId: _id, version: _v, state: _s, status: _st, ...body } = m as Monitor & Record<string, unknown>;
  return body as MonitorInput;
}
