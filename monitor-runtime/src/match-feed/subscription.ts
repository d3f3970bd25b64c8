import { sseEvent } from "../../../shared/src/sse";

/**
 * One open stream as the MatchFeed sees it (kept in its WebSocket's attachment, so it survives
 * hibernation): the filters, the feed position it has been sent up to, and whether its bridge has
 * asked for more and nothing was there yet (`waiting`). Flow control is one rule: the feed sends a
 * subscription frames only while it is waiting; the bridge asks again once it has written them.
 * So a slow reader holds at most one page in memory, and the backlog and live phases are the same
 * loop: nothing between them to skip or repeat.
 */
export type MatchFilters = { monitorId?: string; workflowId?: string; ownerUserId?: string };
export type Subscription = { filters: MatchFilters; cursor: number; waiting: boolean };

/** A row of the feed: its position (seq, the order matches were recorded in) and the match. */
export type FeedRow = {
  seq: number;
  matchId: string;
  monitorId: string;
  workflowId: string;
  ownerUserId: string;
  view: string;
};

/** Every given filter holds (no filter: every match). */
export function passes(row: Pick<FeedRow, "monitorId" | "workflowId" | "ownerUserId">, f: MatchFilters): boolean {
  return (
    (f.monitorId === undefined || row.monitorId === f.monitorId) &&
    (f.workflowId === undefined || row.workflowId === f.workflowId) &&
    (f.ownerUserId === undefined || row.ownerUserId === f.ownerUserId)
  );
}

/**
 * After reading a page for `sub` (rows matching its filters with seq > cursor, at most `limit`,
 * when the feed's newest seq was `newest`): what to send and the subscription's next state. A
 * short page means every row up to `newest` was considered, so the cursor moves there (the next
 * read skips the rows that did not match); an empty page leaves it waiting for new matches.
 */
export function afterPage(
  sub: Subscription,
  page: readonly FeedRow[],
  limit: number,
  newest: number,
): { send: string | null; next: Subscription } {
  const last = page[page.length - 1];
  const cursor = page.length >= limit && last ? last.seq : Math.max(sub.cursor, newest);
  if (page.length === 0) return { send: null, next: { ...sub, cursor, waiting: true } };
  return { send: page.map(frame).join(""), next: { ...sub, cursor, waiting: false } };
}

/**
 * Whether the journal dropped rows `sub` was still to be sent (its oldest held seq is `oldest`).
 * Only a subscription with a page out (not waiting) can be behind: a waiting one was shown every
 * row recorded since (record() checks each against its filters), so rows trimmed meanwhile were
 * none of its. The stream then ends rather than skip: its reconnect, from the last id it got, is
 * the route's 400 saying where to read the matches the feed no longer holds.
 */
export function fellBehind(sub: Subscription, oldest: number): boolean {
  return !sub.waiting && oldest > sub.cursor + 1;
}

/** One match as an SSE event: `id` its matchId (the resume point), `data` the match JSON. */
export function frame(row: Pick<FeedRow, "matchId" | "view">): string {
  return sseEvent({ id: row.matchId, event: "match", data: row.view });
}
