import { SseParser } from "../../shared/src/sse";
import { ApiError, send } from "./api";
import { allMatches } from "./monitor-data";
import type { Match } from "./types";

/** How often the fallback polls the matches route when the fabric has no match stream. */
const POLL_MS = 5_000;
/** The pause before reopening a stream that ended or dropped. */
const RECONNECT_MS = 1_000;

/**
 * New matches of one monitor (or of every monitor, with monitorId undefined) as they are recorded: `GET /v1/matches/stream` (server-sent events,
 * read with fetch so the bearer header goes along — EventSource cannot send one). A stream that
 * ends or drops is reopened after the parser's last event id: the last match's, or the id-only
 * frame the fabric opens each stream with (its starting position), so one that dropped before its
 * first match resumes where it started and skips nothing. Where the fabric answers 404 (no stream
 * route yet), it polls `GET /v1/monitors/{id}/matches?after=` instead, after the last matchId seen
 * (a stream position may be another monitor's match, which that route does not take). `stop()`
 * ends either. `opened` resolves once the fabric holds this stream's starting position (or once it
 * fell back to polling), so a page that lists the matches after it misses none in between.
 *
 * @example const live = followMatches("btc-100k", undefined, (m) => add(m), (mode) => show(mode)); await live.opened;
 */
export function followMatches(
  monitorId: string | undefined,
  after: string | undefined,
  onMatch: (m: Match) => void,
  onMode: (mode: "stream" | "polling" | "stopped") => void,
): { stop(): void; opened: Promise<void> } {
  const abort = new AbortController();
  let markOpened = () => {};
  const opened = new Promise<void>((resolve) => {
    markOpened = resolve;
  });
  let last = after;
  let resume = after;
  const seen = (m: Match) => {
    last = m.matchId;
    onMatch(m);
  };

  const poll = async () => {
    markOpened();
    // Polling reads one monitor's matches; the fabric has no route listing everyone's.
    if (monitorId === undefined) return onMode("stopped");
    onMode("polling");
    while (!abort.signal.aborted) {
      await new Promise((r) => setTimeout(r, POLL_MS));
      if (abort.signal.aborted) break;
      for (const m of await allMatches(monitorId, last)) seen(m);
    }
  };

  const stream = async (): Promise<void> => {
    const q = new URLSearchParams({ ...(monitorId ? { monitorId } : {}), ...(resume ? { after: resume } : {}) });
    let response: Response;
    try {
      response = await send("GET", `/v1/matches/stream?${q}`, undefined, "text/event-stream");
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return poll();
      throw err;
    }
    if (!response.body) return poll();
    markOpened();
    onMode("stream");
    const parser = new SseParser();
    await readEvents(response.body, parser, abort.signal, (data) => seen(JSON.parse(data) as Match));
    resume = parser.lastEventId || resume;
    if (abort.signal.aborted) return;
    await new Promise((r) => setTimeout(r, RECONNECT_MS));
    if (!abort.signal.aborted) await stream();
  };

  stream()
    .catch(() => onMode("stopped"))
    .finally(() => {
      markOpened();
      abort.abort();
    });
  return { stop: () => abort.abort(), opened };
}

/** Calls `onData` with the data of every `event: match` in a text/event-stream body, until it ends or drops. */
async function readEvents(
  body: ReadableStream<Uint8Array>,
  parser: SseParser,
  signal: AbortSignal,
  onData: (d: string) => void,
) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  signal.addEventListener("abort", () => {
    reader.cancel().catch(() => {});
  });
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch {
      return; // dropped: the caller reopens from the parser's last event id
    }
    if (chunk.done) return;
    for (const e of parser.push(decoder.decode(chunk.value, { stream: true }))) if (e.event === "match") onData(e.data);
  }
}
