import { DurableObject } from "cloudflare:workers";
import { sseId } from "../../../shared/src/sse";
import type { RuntimeEnv } from "../env";
import { FeedJournal, RETAIN } from "./feed-journal";
import type { RecordedMatch } from "./match-view";
import { afterPage, fellBehind, type MatchFilters, passes, type Subscription } from "./subscription";

/**
 * MatchFeed: the live side of GET /v1/matches/stream. accept-matches tells it which matches were
 * just recorded (after their D1 write committed; at least once, so `record` drops repeats by
 * matchId); it journals them and pushes each to the open streams whose filters it passes.
 *
 * One per fabric (FEED_NAME), not sharded: a stream without filters wants every match in one
 * order that a single matchId can resume from, and a sharded feed would need a cursor per shard.
 * One object takes thousands of SQLite inserts a second, far above the match rate a fabric wakes
 * workflows at (WAKE_RATE_PER_S); sharding by monitorId is the step if that changes.
 *
 * It holds hibernatable WebSockets, not the SSE responses themselves: the stream route (a plain
 * Worker request, billed by CPU, not by wall time) opens a WebSocket to this object and bridges it
 * to the client's text/event-stream (sse-bridge.ts). Between matches the object can hibernate with
 * every stream still open, so a console left open all day costs nothing here; if it held the SSE
 * writers it would have to stay in memory, billed for duration, as long as any stream is open.
 * Browsers cannot put a bearer token on EventSource or WebSocket, so clients read SSE over fetch
 * with an Authorization header; the WebSocket is only the Worker-to-object hop.
 *
 * The class is a shell: the journal (feed-journal.ts) and the paging rule (subscription.ts) are
 * where the ordering lives.
 */
export const FEED_NAME = "match-feed";
/** Matches per message to a stream: bounded memory for a slow reader. */
export const PAGE = 200;
/** How the feed ends a stream that fell behind what it keeps (subscription.ts, fellBehind). */
const BEHIND = { code: 4000, reason: "behind the feed's retention" };
/** What the bridge sends when it has written what it got and wants more. */
export const MORE = "more";
/**
 * Open streams one token may hold. Every recorded match visits every open stream, and one object
 * holds a bounded number of WebSockets, so a token must not be able to take them all; a console
 * holds one per tab, and a dashboard a few.
 */
export const MAX_STREAMS_PER_TOKEN = 32;

export class MatchFeed extends DurableObject<RuntimeEnv> {
  private readonly journal: FeedJournal;

  constructor(ctx: DurableObjectState, env: RuntimeEnv) {
    super(ctx, env);
    this.journal = new FeedJournal(ctx.storage.sql, Number(env.MATCH_FEED_RETAIN) || RETAIN);
    // The bridge's keep-alive is answered without waking this object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  /** The matches just recorded, in the order recorded; returns how many were new to the feed. */
  record(matches: RecordedMatch[]): number {
    const added = this.journal.append(matches);
    if (added.length === 0) return 0;
    for (const ws of this.ctx.getWebSockets()) {
      const sub = ws.deserializeAttachment() as Subscription | null;
      if (sub?.waiting && added.some((row) => passes(row, sub.filters))) this.serve(ws, sub);
    }
    return added.length;
  }

  /**
   * Opens a subscription (a WebSocket upgrade): 404 when `after` names no position the journal
   * holds. The first message starts with an id-only SSE frame naming where the stream starts
   * (`after`, else the newest matchId, else FEED_START), read in the same synchronous step as the
   * cursor, so a client dropped before its first match resumes from exactly there. 429 when the
   * `holder` (a digest of the token, never the token) already holds MAX_STREAMS_PER_TOKEN: the count
   * and the accept are one synchronous step, so parallel opens cannot pass it together.
   */
  override async fetch(request: Request): Promise<Response> {
    const q = new URL(request.url).searchParams;
    const filters: MatchFilters = {};
    for (const key of ["monitorId", "workflowId", "ownerUserId"] as const) {
      const value = q.get(key);
      if (value) filters[key] = value;
    }
    const holder = q.get("holder") ?? "";
    if (this.ctx.getWebSockets(holder).length >= MAX_STREAMS_PER_TOKEN) return new Response(null, { status: 429 });
    const after = q.get("after");
    const cursor = after ? this.journal.seqOf(after) : this.journal.newest();
    if (cursor === null) return new Response(null, { status: 404 });
    const position = after ?? this.journal.newestMatchId();
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server, [holder]);
    this.serve(server, { filters, cursor, waiting: true }, sseId(position));
    return new Response(null, { status: 101, webSocket: client });
  }

  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): void {
    const sub = ws.deserializeAttachment() as Subscription | null;
    if (message === MORE && sub) this.serve(ws, sub);
  }

  override webSocketClose(ws: WebSocket, code: number): void {
    try {
      ws.close(code === 1005 ? 1000 : code, "closed");
    } catch {
      // already closed
    }
  }

  /**
   * Sends `sub` its next page (or marks it waiting), after `prefix` if any; synchronous, so no
   * record() runs in between.
   */
  private serve(ws: WebSocket, sub: Subscription, prefix = ""): void {
    if (fellBehind(sub, this.journal.oldest())) {
      ws.close(BEHIND.code, BEHIND.reason);
      return;
    }
    const page = this.journal.page(sub.filters, sub.cursor, PAGE);
    const { send, next } = afterPage(sub, page, PAGE, this.journal.newest());
    ws.serializeAttachment(next);
    const message = prefix + (send ?? "");
    if (message !== "") ws.send(message);
  }
}
