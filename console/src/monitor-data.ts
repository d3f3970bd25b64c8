import type { ExplainPage, ExplainRow } from "../../shared/src/contract/explain";
import { ApiError, api, query } from "./api";
import type { FactsPage, Match, Monitor, StoredFact, StreamRef } from "./types";

/**
 * The reads behind a monitor's page, each paged to the end (or to a cap that keeps a browser tab
 * responsive) with the routes' own cursors.
 *
 * @example const facts = await streamFacts({ kind: "market_price", subject: { symbol: "BTC-USD" } });
 */
export const CAPS = { facts: 20_000, matches: 5_000, explainRows: 3_000 } as const;

export function monitorPath(monitorId: string): string {
  return `/v1/monitors/${encodeURIComponent(monitorId)}`;
}

export async function readMonitor(monitorId: string): Promise<Monitor> {
  return api<Monitor>("GET", monitorPath(monitorId));
}

export async function allMatches(monitorId: string, after?: string): Promise<Match[]> {
  const out: Match[] = [];
  let cursor = after;
  while (out.length < CAPS.matches) {
    const page = await api<{ matches: Match[] }>(
      "GET",
      `${monitorPath(monitorId)}/matches${query({ limit: 1000, after: cursor })}`,
    );
    out.push(...page.matches);
    const last = page.matches[page.matches.length - 1];
    if (page.matches.length < 1000 || !last) break;
    cursor = last.matchId;
  }
  return out;
}

export async function streamFacts(stream: StreamRef): Promise<StoredFact[]> {
  const out: StoredFact[] = [];
  let cursor: string | undefined;
  do {
    const page = await api<FactsPage>(
      "GET",
      `/v1/streams/${encodeURIComponent(stream.kind)}/facts${query({ ...stream.subject, limit: 1000, cursor })}`,
    );
    out.push(...page.facts);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && out.length < CAPS.facts);
  return out;
}

/** An explain over the whole stored log, or `unavailable` when the fabric has no explain route yet. */
export type ExplainResult = { rows: ExplainRow[]; truncated: boolean } | { unavailable: string };

export async function explainAll(path: string, body: Record<string, unknown>): Promise<ExplainResult> {
  const rows: ExplainRow[] = [];
  let cursor: string | undefined;
  try {
    do {
      const page = await api<ExplainPage>("POST", path, { ...body, limit: 1000, ...(cursor ? { cursor } : {}) });
      rows.push(...page.rows);
      cursor = page.nextCursor ?? undefined;
    } while (cursor && rows.length < CAPS.explainRows);
  } catch (err) {
    // A route this fabric does not serve yet answers 404 "No route …" (not a missing monitor).
    if (err instanceof ApiError && (err.status === 404 || err.status === 405) && /route/i.test(err.message)) {
      return {
        unavailable: `This fabric has no ${path.startsWith("/v1/explain") ? "POST /v1/explain" : "explain"} route yet (${err.status}).`,
      };
    }
    throw err;
  }
  return { rows, truncated: Boolean(cursor) };
}

/** The PUT body of a monitor: its definition without identity, version or state. */
export function bodyOf(m: Monitor): Record<string, unknown> {
  const { monitorId: _id, version: _v, state: _s, status: _st, ...body } = m as Monitor & Record<string, unknown>;
  return body;
}
