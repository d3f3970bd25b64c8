import { SseParser } from "../../shared/src/sse";
import { type AttemptDeadline, attemptDeadline, type TimeoutSignal } from "./attempt-deadline";
import { errorFromResponse, FabricError, networkError, timeoutError } from "./errors";
import { abortableSleep, backoffMs, resolveRetry, retryAfterMs } from "./retry";
import type { FetchLike } from "./transport";
import type { Match } from "./types";

/**
 * Live matches from GET /v1/matches/stream as an async iterator: SSE read from fetch (so the token
 * goes in a header, which EventSource cannot do), each `match` event yielded once. A dropped
 * connection, a 429/5xx or a network error reconnects after a jittered backoff with the parser's
 * last event id as `after`, so nothing is skipped or repeated; a stream that ends by itself (the
 * fabric redeployed) reconnects the same way. That id is the last match's, or the id-only frame
 * the fabric opens each stream with (its starting position), so a stream dropped before its first
 * match resumes from where it started, not from the time it reconnects. The client's `timeoutMs`
 * bounds each connect (until the answer's headers); a connect that runs out of time reconnects
 * like a network error, and a stream that has started is never cut by it. Any other error answer
 * (400 unknown after, 401, 403, 404 on a fabric without the route) is thrown as a FabricError.
 * Stops when `signal` aborts, or when the loop breaks. `onOpen` and `onReconnecting` tell a UI
 * whether it is live: reconnecting is silent to the loop, which simply waits for the next match.
 *
 * @example
 * const stop = new AbortController();
 * for await (const m of fabric.matchStream({ monitorId: "btc-100k", signal: stop.signal })) console.log(m.matchId);
 * @example
 * fabric.matchStream({ onOpen: () => show("live"), onReconnecting: ({ delayMs }) => show(`reconnecting in ${delayMs} ms`) });
 */
export type MatchStreamOptions = {
  monitorId?: string;
  workflowId?: string;
  ownerUserId?: string;
  /** Resume after this position (an `id:` the stream sent: a matchId, or `~start`); without it, from now. */
  after?: string;
  signal?: AbortSignal;
  /** Called each time a connection is open (200) and the fabric is streaming. */
  onOpen?: () => void;
  /**
   * An open stream that sends nothing for this long, not even the fabric's heartbeat (a comment
   * every 15 s), is taken as dead and reconnected (default 45 s: three heartbeats; 0: never). A
   * connection a proxy or a sleeping laptop left half-open otherwise waits forever, silently.
   */
  idleTimeoutMs?: number;
  /**
   * Called when the stream is lost and will be retried: a connection dropped or ended, could not
   * be made, or was answered 429/5xx. It comes before the wait; `onOpen` follows once streaming
   * again. Not called when `signal` aborts, nor for an answer that is thrown instead.
   */
  onReconnecting?: (info: ReconnectInfo) => void;
};

/** What `onReconnecting` hears. */
export type ReconnectInfo = {
  /** 1 for the first try since the stream was last open, then 2, 3, … */
  attempt: number;
  /** How long it waits before that try (jittered backoff, at least any Retry-After). */
  delayMs: number;
  /**
   * The failure: a network error (`code: "network"`), a connect that got no answer within the
   * client's `timeoutMs` or an open stream silent for `idleTimeoutMs` (`code: "timeout"`), or the
   * 429/5xx answer; none when an open stream dropped or ended.
   */
  error?: FabricError;
};

export type MatchStreamDeps = {
  baseUrl: string;
  token: string;
  fetch: FetchLike;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  now: () => number;
  /** Per connect, until the answer's headers (0: none); the stream itself has no time limit. */
  timeoutMs: number;
  timeoutSignal: TimeoutSignal;
};

const RECONNECT = resolveRetry({ baseDelayMs: 500, maxDelayMs: 30_000 });
/** Three of the fabric's 15 s heartbeats. */
const DEFAULT_IDLE_TIMEOUT_MS = 45_000;
const STREAM = { method: "GET", path: "/v1/matches/stream" };

export async function* matchStream(deps: MatchStreamDeps, opts: MatchStreamOptions = {}): AsyncGenerator<Match> {
  const { signal } = opts;
  let after = opts.after;
  let failures = 0;
  while (!signal?.aborted) {
    let waitAtLeast = 0;
    let error: FabricError | undefined;
    const connect = attemptDeadline(deps.timeoutMs, signal, deps.timeoutSignal);
    try {
      const answer = await open(deps, streamUrl(deps.baseUrl, { ...opts, after }), connect);
      if (signal?.aborted) return;
      if (answer instanceof FabricError) error = answer;
      else if (!answer.ok) {
        error = await errorFromResponse(answer);
        if (answer.status !== 429 && answer.status < 500) throw error;
        waitAtLeast = retryAfterMs(answer.headers.get("retry-after"), deps.now()) ?? 0;
      } else if (answer.body) {
        // Streaming: from here on only the caller's signal or a drop ends it, however long it lasts.
        connect.stopClock();
        failures = 0;
        opts.onOpen?.();
        const reader = answer.body.getReader();
        // A fetch that does not end the body on abort (or a body already handed over) still stops.
        const stop = () => void reader.cancel().catch(() => undefined);
        signal?.addEventListener("abort", stop, { once: true });
        const parser = new SseParser();
        const idle = { ms: opts.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS, timeoutSignal: deps.timeoutSignal };
        try {
          const ended = { silent: false };
          for await (const event of events(reader, parser, signal, idle, ended)) yield JSON.parse(event.data) as Match;
          // Every event parsed has been yielded: the parser's id (an id-only frame's too) is the resume point.
          after = parser.lastEventId || after;
          if (ended.silent) error = timeoutError(idle.ms, STREAM, undefined, "sent nothing, not even a heartbeat, for");
        } finally {
          signal?.removeEventListener("abort", stop);
          await reader.cancel().catch(() => undefined);
        }
      }
    } finally {
      connect.release();
    }
    if (signal?.aborted) return;
    const delayMs = Math.max(waitAtLeast, backoffMs(RECONNECT, failures++, deps.random));
    opts.onReconnecting?.({ attempt: failures, delayMs, ...(error ? { error } : {}) });
    await abortableSleep(deps.sleep, delayMs, signal);
  }
}

/** One connect, within the client's timeout: the answer, or the network or timeout error to reconnect after. */
async function open(deps: MatchStreamDeps, url: string, connect: AttemptDeadline): Promise<Response | FabricError> {
  try {
    return await deps.fetch(url, {
      method: "GET",
      headers: { authorization: `Bearer ${deps.token}`, accept: "text/event-stream, application/problem+json" },
      signal: connect.signal,
    });
  } catch (e) {
    return connect.timedOut() ? timeoutError(connect.timeoutMs, STREAM, e) : networkError(e);
  }
}

/**
 * The `match` events of one connection, until it ends, fails, `signal` aborts, or it is silent for
 * `idle.ms` (then `ended.silent` is set and the reader cancelled).
 */
async function* events(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  parser: SseParser,
  signal: AbortSignal | undefined,
  idle: { ms: number; timeoutSignal: TimeoutSignal },
  ended: { silent: boolean },
) {
  const decoder = new TextDecoder();
  while (!signal?.aborted) {
    let chunk: ReadableStreamReadResult<Uint8Array> | "silent";
    try {
      chunk = await readWithin(reader, idle);
    } catch {
      return; // dropped: the caller reconnects
    }
    if (chunk === "silent") {
      ended.silent = true;
      await reader.cancel().catch(() => undefined);
      return;
    }
    if (chunk.done) return;
    for (const e of parser.push(decoder.decode(chunk.value, { stream: true }))) if (e.event === "match") yield e;
  }
}

function streamUrl(baseUrl: string, o: MatchStreamOptions): string {
  const q = new URLSearchParams();
  for (const key of ["monitorId", "workflowId", "ownerUserId", "after"] as const) {
    const value = o[key];
    if (value) q.set(key, value);
  }
  const qs = q.toString();
  return `${baseUrl.replace(/\/+$/, "")}/v1/matches/stream${qs ? `?${qs}` : ""}`;
}

/** The next chunk, or "silent" when none came within `idle.ms` (0: wait as long as it takes). */
async function readWithin(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  idle: { ms: number; timeoutSignal: TimeoutSignal },
): Promise<ReadableStreamReadResult<Uint8Array> | "silent"> {
  if (!(idle.ms > 0 && Number.isFinite(idle.ms))) return reader.read();
  const clock = idle.timeoutSignal(idle.ms);
  let onClock = () => {};
  const silent = new Promise<"silent">((resolve) => {
    onClock = () => resolve("silent");
    if (clock.aborted) onClock();
    else clock.addEventListener("abort", onClock, { once: true });
  });
  try {
    return await Promise.race([reader.read(), silent]);
  } finally {
    clock.removeEventListener("abort", onClock);
  }
}
