import { SseParser } from "../../shared/src/sse";
import { ApiError, send } from "./api";
import { allMatches } from "./monitor-data";
import type { Match } from "./types";

/** How often the fallback polls the matches route when the fabric has no match stream. */
const POLL_MS = 5_000;

/**
 * New matches of one monitor as they are recorded: `GET /v1/matches/stream` (server-sent events,
 * read with fetch so the bearer header goes along — EventSource cannot send one), resumed after
 * the last matchId seen. Where the fabric answers 404 (no stream route yet), it polls
 * `GET /v1/monitors/{id}/matches?after=` instead. `stop()` ends either.
 *
 * @example const live = followMatches("btc-100k", last?.matchId, (m) => add(m), (mode) => show(mode)); live.stop();
 */
export function followMatches(
  monitorId: string,
  after: string | undefined,
  onMatch: (m: Match) => void,
  onMode: (mode: "stream" | "polling" | "stopped") => void,
): { stop(): void } {
  const abort = new AbortController();
  let last = after;
  const seen = (m: Match) => {
    last = m.matchId;
    onMatch(m);
  };

  const poll = async () => {
    onMode("polling");
    while (!abort.signal.aborted) {
      await new Promise((r) => setTimeout(r, POLL_MS));
      if (abort.signal.aborted) break;
      for (const m of await allMatches(monitorId, last)) seen(m);
    }
  };

  const stream = async () => {
    const q = new URLSearchParams({ monitorId, ...(last ? { after: last } : {}) });
    let response: Response;
    try {
      response = await send("GET", `/v1/matches/stream?${q}`, undefined, "text/event-stream");
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return poll();
      throw err;
    }
    if (!response.body) return poll();
    onMode("stream");
    await readEvents(response.body, abort.signal, (data) => seen(JSON.parse(data) as Match));
    // The server closed the stream: reconnect after the last match seen.
    if (!abort.signal.aborted) await stream();
  };

  stream()
    .catch(() => onMode("stopped"))
    .finally(() => abort.abort());
  return { stop: () => abort.abort() };
}

/** Calls `onData` with the data of every `event: match` in a text/event-stream body. */
async function readEvents(body: ReadableStream<Uint8Array>, signal: AbortSignal, onData: (d: string) => void) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parser = new SseParser();
  signal.addEventListener("abort", () => {
    reader.cancel().catch(() => {});
  });
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    for (const e of parser.push(decoder.decode(value, { stream: true }))) if (e.event === "match") onData(e.data);
  }
}
