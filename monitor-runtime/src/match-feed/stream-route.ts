import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { bearerToken, tokenDigest } from "../../../shared/src/auth";
import { ADMIN_PROBLEMS, problems } from "../../../shared/src/http/openapi-docs";
import { validationHook } from "../../../shared/src/http/validation-hook";
import { ProblemError, problem } from "../../../shared/src/problem";
import type { RuntimeEnv } from "../env";
import { FEED_START, RETAIN } from "./feed-journal";
import { FEED_NAME, MAX_STREAMS_PER_TOKEN, PAGE } from "./match-feed";
import { bridgeToSse } from "./sse-bridge";

/**
 * GET /v1/matches/stream: every match as it is recorded, as server-sent events, filtered by
 * monitorId, workflowId and ownerUserId; `after` (or the Last-Event-ID header a reconnecting client
 * sends) resumes after a position this stream sent, with nothing skipped or repeated. The stream
 * opens with an id-only frame naming its starting position, so even a stream that drops before
 * its first match has one to resume from. Mounted behind the admin-token middleware (a GET: the
 * `read` scope).
 */
export const matchStreamApp = new OpenAPIHono<{ Bindings: RuntimeEnv }>({ defaultHook: validationHook });

const DEFAULT_HEARTBEAT_MS = 15_000;
const key = (what: string) => z.string().min(1).max(256).optional().describe(what);

// Strict: a misspelt filter (`?monitorid=`) is a 400 with "did you mean", never every monitor's matches.
const StreamQuery = z.strictObject({
  monitorId: key("only this monitor's matches"),
  workflowId: key("only matches of monitors of this workflow"),
  ownerUserId: key("only matches of monitors this user owns"),
  after: z
    .string()
    .min(1)
    .max(400)
    .optional()
    .describe(
      `resume after this position (an \`id:\` a stream sent: a matchId, or \`${FEED_START}\` for the feed's beginning); without it the stream starts from now`,
    ),
});

const EXAMPLE = `: connected

id: eth-3k~2~01KDY5N7R2M4P6Q8S0T1V3W5X7

id: btc-100k~1~01KDY5Q0TQ8V9Z2W3X4Y5Z6A7B
event: match
data: {"matchId":"btc-100k~1~01KDY5Q0TQ8V9Z2W3X4Y5Z6A7B","monitorId":"btc-100k","monitorVersion":1,"eventId":"01KDY5Q0TQ8V9Z2W3X4Y5Z6A7B","observedAt":1795341660000,"workflowId":"wf_1","portfolioId":"pf_1","triggerEvent":{"kind":"market_price","subject":{"symbol":"BTC-USD"},"observedAt":1795341660000,"data":{"price":101234.5}}}

: heartbeat

`;

matchStreamApp.openapi(
  createRoute({
    method: "get",
    path: "/v1/matches/stream",
    operationId: "streamMatches",
    tags: ["monitors"],
    summary: "Live matches as server-sent events (filters: monitorId, workflowId, ownerUserId), resumable",
    description: `Each match as it is recorded: \`id:\` its matchId, \`event: match\`, \`data:\` the match exactly as GET /v1/monitors/{id}/matches returns it. A \`: heartbeat\` comment every 15 s. The stream first sends an id-only frame (\`id: <position>\` and a blank line, no data: EventSource and WHATWG parsers take it as the last event ID without dispatching an event) naming where it starts: \`after\` if given, else the newest match the feed has recorded (of any monitor, whatever the filters), else \`${FEED_START}\` (the feed's beginning) when it has recorded none. Reconnect with \`after\` or the Last-Event-ID header set to the last \`id:\` received to continue exactly there, with nothing skipped or repeated (matches are in the order the fabric recorded them), even if the stream dropped before its first match. An \`after\` the feed does not hold is a 400. A reader is sent ${PAGE} matches at a time, the next page once it has read them, so a slow reader holds back only its own stream. The feed keeps its newest ${RETAIN.toLocaleString("en-US")} matches: a stream that falls further behind than that (a reader that stopped reading) ends, and its reconnect is that 400, naming where to read what it missed. One token holds at most ${MAX_STREAMS_PER_TOKEN} open streams; one more is a 429 (a stream is released when its reader disconnects).`,
    security: [{ bearer: [] }],
    request: {
      query: StreamQuery,
      headers: z.object({
        "last-event-id": z
          .string()
          .max(400)
          .optional()
          .describe("as `after`, and wins over it (a client reconnecting with its first URL continues from here)"),
      }),
    },
    responses: {
      ...ADMIN_PROBLEMS,
      ...problems(429),
      200: {
        description: "An endless text/event-stream of `match` events and heartbeat comments",
        content: { "text/event-stream": { schema: z.string(), example: EXAMPLE } },
      },
    },
  }),
  async (c) => {
    const q = c.req.valid("query");
    // The header wins: an SSE client reconnects with the URL it first opened (its `after`, if any)
    // plus Last-Event-ID, the newer position; the query's would send again what it already has.
    const header = c.req.header("last-event-id")?.trim() || undefined;
    const after = header ?? q.after;
    const source = header === undefined ? QUERY : HEADER;
    const feed = c.env.MATCH_FEED.get(c.env.MATCH_FEED.idFromName(FEED_NAME));
    const url = new URL("http://match-feed/subscribe");
    for (const [k, v] of Object.entries({ ...q, after, holder: await holderOf(c.req.header("authorization")) }))
      if (v) url.searchParams.set(k, v);
    const opened = await feed.fetch(url, { headers: { upgrade: "websocket" } });
    if (opened.status === 429) {
      const detail = `This token already holds ${MAX_STREAMS_PER_TOKEN} open match streams, the most one token may; close one (a stream is released when its reader disconnects), or use one stream with fewer filters`;
      throw new ProblemError(problem("rate_limited", detail, { limit: MAX_STREAMS_PER_TOKEN }), {
        "retry-after": "15",
      });
    }
    if (opened.status === 404 && after) {
      throw new ProblemError(await unknownAfter(c.env.DB, after, source, q.monitorId));
    }
    if (!opened.webSocket) throw new Error(`match feed did not open a stream (status ${opened.status})`);
    const heartbeat = Number(c.env.MATCH_STREAM_HEARTBEAT_MS) || DEFAULT_HEARTBEAT_MS;
    return new Response(bridgeToSse(opened.webSocket, heartbeat), {
      headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store" },
    }) as never;
  },
);

/** Which token holds a stream, as the feed counts them: a digest prefix, so the feed never sees a token. */
async function holderOf(authorization: string | undefined): Promise<string> {
  const digest = await tokenDigest(bearerToken(authorization) ?? "");
  return [...digest.slice(0, 16)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Where the resume position came from, to name in a 400: the header wins over the query. */
type AfterSource = { path: string; name: string };
const QUERY: AfterSource = { path: "query.after", name: "after" };
const HEADER: AfterSource = { path: "header.last-event-id", name: "Last-Event-ID" };

/**
 * The 400 for an `after` the feed does not hold: a match too old for it, or no match at all. A
 * stream of one monitor catches up from that monitor's matches; any other stream missed matches
 * of every monitor it follows, which are read per monitor (there is no cross-monitor log in
 * recording order outside the feed).
 */
async function unknownAfter(db: D1Database, after: string, { path, name }: AfterSource, monitorId?: string) {
  if (after === FEED_START) {
    const message = `the live feed no longer holds its beginning (${FEED_START}); read the matches from GET /v1/monitors/{id}/matches, then open the stream without ${name}`;
    return problem("validation", message, { errors: [{ path, message }] });
  }
  const recorded = await db.prepare("SELECT monitor_id FROM trigger_matches WHERE match_id = ?").bind(after).first();
  const owner = recorded ? String(recorded.monitor_id) : undefined;
  const tooOld = `match ${after} is older than the live feed keeps`;
  const message =
    owner === undefined
      ? `no match ${after} was recorded; pass the id of a match this stream sent, or leave ${name} out to start from now`
      : owner === monitorId
        ? `${tooOld}; read what follows it from GET /v1/monitors/${owner}/matches?after=${after}, then open the stream without ${name}`
        : `${tooOld}; this stream follows more than monitor ${owner}, so read each followed monitor's missed matches from GET /v1/monitors/{id}/matches?after=<the last match you hold of it> (for ${owner}: after=${after}), then open the stream without ${name}`;
  return problem("validation", message, { errors: [{ path, message }] });
}
