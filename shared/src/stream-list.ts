import { type FactKind, KIND_SCHEMAS } from "./facts";
import { SUBJECT_FIELD_ORDER } from "./streams";

/**
 * The streams list (`GET /v1/streams`), in the parts every Worker shares: which streams a filter
 * keeps, a key read back into its kind and subject, and the merge of the shards' pages. Each shard
 * lists only the streams it owns, in key order, so their pages never overlap and the merge is a
 * k-way merge of sorted lists.
 *
 * @example streamMatches("market_price:BTC-USD", { kind: "market_price", q: "btc" }) // true
 */

/** Which streams a list keeps: of one kind, and whose key or subject contains `q` in any case. */
export type StreamFilter = { kind?: string; q?: string };

/** A stream a shard holds: its stored facts and the event time its applied facts span (null: none applied). */
export type StreamSummary = {
  streamKey: string;
  facts: number;
  firstObservedAt: number | null;
  lastObservedAt: number | null;
};

/** One shard's page: its streams after the cursor, in key order; `more`: it holds more after the last. */
export type ShardStreamPage = { streams: StreamSummary[]; more: boolean };

export function streamMatches(key: string, filter: StreamFilter): boolean {
  if (filter.kind !== undefined && !key.startsWith(`${filter.kind}:`)) return false;
  if (!filter.q) return true;
  // The key percent-encodes its subject (EUR%2FUSD); people type it as they know it (EUR/USD).
  const q = filter.q.toLowerCase();
  return key.toLowerCase().includes(q) || decodedKey(key).toLowerCase().includes(q);
}

/**
 * A stream key read back into its kind and subject, the subject fields named as the kind's facts
 * name them. A key of no known kind keeps its parts under `part1`, `part2`.
 *
 * @example streamOfKey("portfolio_held_asset_metrics:pf-1/BTC") // { kind, subject: { portfolioId: "pf-1", asset: "BTC" } }
 */
export function streamOfKey(key: string): { kind: string; subject: Record<string, string> } {
  const colon = key.indexOf(":");
  const kind = colon < 0 ? key : key.slice(0, colon);
  const parts = colon < 0 ? [] : key.slice(colon + 1).split("/");
  const known = kind in KIND_SCHEMAS ? KIND_SCHEMAS[kind as FactKind].subject.shape : undefined;
  const fields = known ? SUBJECT_FIELD_ORDER.filter((f) => f in known) : parts.map((_, i) => `part${i + 1}`);
  return { kind, subject: Object.fromEntries(parts.map((p, i) => [fields[i] ?? `part${i + 1}`, decodedPart(p)])) };
}

function decodedKey(key: string): string {
  return key.split("/").map(decodedPart).join("/");
}

function decodedPart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/**
 * The first `limit` streams of the shards' pages in key order, and the cursor of the next page:
 * the last key taken, when any shard has more past it (null: the list is complete). Every page
 * starts after the same cursor, so a stream a shard listed but the merge did not take comes back
 * on the next page, and none is skipped.
 *
 * @example mergeStreamPages([{ streams: [a, c], more: false }, { streams: [b], more: true }], 2) // { streams: [a, b], nextCursor: "b" }
 */
export function mergeStreamPages(
  pages: readonly ShardStreamPage[],
  limit: number,
): { streams: StreamSummary[]; nextCursor: string | null } {
  const heads = pages.map(() => 0);
  const streams: StreamSummary[] = [];
  while (streams.length < limit) {
    let pick = -1;
    pages.forEach((page, i) => {
      const head = page.streams[heads[i] ?? 0];
      const best = pick < 0 ? undefined : pages[pick]?.streams[heads[pick] ?? 0];
      if (head && (!best || head.streamKey < best.streamKey)) pick = i;
    });
    const taken = pick < 0 ? undefined : pages[pick]?.streams[heads[pick] ?? 0];
    if (!taken) break;
    streams.push(taken);
    heads[pick] = (heads[pick] ?? 0) + 1;
  }
  const left = pages.some((page, i) => page.more || (heads[i] ?? 0) < page.streams.length);
  return { streams, nextCursor: left ? (streams.at(-1)?.streamKey ?? null) : null };
}
