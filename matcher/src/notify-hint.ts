/**
 * What an operator should do about a notify-trigger-match answer that was not a delivery, by its
 * status: the reason says what the monitor runtime answered, this says where the fault usually is.
 * Shown beside the last failure and refusal in GET /v1/admin/stats (and so in `fabric stats` and
 * the console's overview).
 *
 * @example notifyHint(401) // "the matcher's ADMIN_AUTH_SECRET_TOKEN is not accepted by …"
 */
export function notifyHint(status: number): string {
  if (status === 401 || status === 403)
    return "the matcher's ADMIN_AUTH_SECRET_TOKEN is not accepted by the monitor runtime (or NOTIFY_URL): set the same secret in both Workers; matches wait in the outbox: once it is fixed, `fabric deliveries retry` (POST /v1/admin/deliveries/retry) sends them now rather than at their next retry (up to 5 min away)";
  if (status === 404)
    return "the monitor or its workflow is gone (deleted, or its workflowId changed) since the match: the match is dropped; expected after a delete, otherwise check the monitor with `fabric monitors get`";
  if (status === 409 || status === 422 || status === 400)
    return "the monitor runtime refuses this match for good (see the reason): it is dropped, not retried";
  if (status === 429)
    return "the monitor runtime is shedding load: matches are retried with backoff; watch the wakes backlog";
  if (status === 0)
    return "no answer from the monitor runtime (down, or over the 10 s timeout): check its health (GET /healthz) and logs; matches are retried with backoff, and once it answers `fabric deliveries retry` sends them now";
  if (status >= 500)
    return "the monitor runtime failed: see its logs (event or error lines); matches are retried with backoff, and once it is fixed `fabric deliveries retry` sends them now";
  return "unexpected answer: matches are retried with backoff; see the reason";
}
