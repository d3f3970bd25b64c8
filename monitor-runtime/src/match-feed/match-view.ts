/**
 * A recorded match as the fabric shows it. `trigger_matches.body` holds the whole trigger_matched
 * data (with ownerUserId and streamKey); every read shows the fields below, in this order
 * (`matchViewOf`: GET /v1/monitors/{id}/matches and the stream), and the feed also keeps what the
 * stream filters on.
 *
 * @example recordedMatch(JSON.parse(row.body)).view // '{"matchId":"m1~1~01K…",…}'
 */
export type MatchView = {
  matchId: unknown;
  monitorId: unknown;
  monitorVersion: unknown;
  eventId: unknown;
  observedAt: unknown;
  workflowId: unknown;
  portfolioId: unknown;
  triggerEvent: unknown;
};

/** What the feed keeps per match: the filter keys and the view as JSON (what `data:` carries). */
export type RecordedMatch = {
  matchId: string;
  monitorId: string;
  workflowId: string;
  ownerUserId: string;
  view: string;
};

export function recordedMatch(body: Record<string, unknown>): RecordedMatch {
  const text = (v: unknown) => (typeof v === "string" ? v : "");
  return {
    matchId: text(body.matchId),
    monitorId: text(body.monitorId),
    workflowId: text(body.workflowId),
    ownerUserId: text(body.ownerUserId),
    view: JSON.stringify(matchViewOf(body)),
  };
}

/** A recorded trigger_matched body as every read shows it: the matches route and the stream. */
export function matchViewOf(body: Record<string, unknown>): MatchView {
  return {
    matchId: body.matchId,
    monitorId: body.monitorId,
    monitorVersion: body.monitorVersion,
    eventId: body.eventId,
    observedAt: body.observedAt,
    workflowId: body.workflowId,
    portfolioId: body.portfolioId ?? null,
    triggerEvent: body.triggerEvent,
  };
}
