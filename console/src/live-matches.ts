import { FabricError } from "../../client/src/errors";
import { say } from "./announce";
import { fabric } from "./fabric";
import { allMatches } from "./monitor-data";
import type { Match } from "./types";

/** How often the fallback polls the matches route when the fabric has no match stream. */
const POLL_MS = 5_000;

/**
 * New matches of one monitor (or of every monitor, with monitorId undefined) as they are recorded,
 * through the client library's `matchStream` (GET /v1/matches/stream over fetch, so the bearer
 * header goes along; it reconnects after drops from the stream's last event id, so nothing is
 * skipped). Where the fabric answers 404 (no stream route yet), it polls
 * `GET /v1/monitors/{id}/matches?after=` instead, after the last matchId seen. A refused token
 * brings back the sign-in prompt, as every other call does (fabric.ts `onRefused`). While the
 * stream is lost (the fabric stopped or unreachable) the mode is `reconnecting`, and `stream` again
 * once the client has it back. `opened` resolves once the fabric
 * holds this stream's starting position (or once it fell back to polling), so a page that lists
 * the matches after it misses none in between. `stop()` ends either.
 *
 * @example const live = followMatches("btc-100k", undefined, (m) => add(m), (mode) => show(mode)); await live.opened;
 */
export type LiveMode = "connecting" | "stream" | "reconnecting" | "polling" | "stopped";

/** A live mode as the page headers show it (`live: …`). */
export function liveLabel(mode: LiveMode): string {
  return mode === "connecting" || mode === "reconnecting" ? `${mode}…` : mode;
}

export function followMatches(
  monitorId: string | undefined,
  after: string | undefined,
  onMatch: (m: Match) => void,
  onMode: (mode: LiveMode) => void,
): { stop(): void; opened: Promise<void> } {
  const abort = new AbortController();
  let markOpened = () => {};
  const opened = new Promise<void>((resolve) => {
    markOpened = resolve;
  });
  let last = after;
  let lost = false;
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

  const stream = async () => {
    const matches = fabric.matchStream({
      ...(monitorId ? { monitorId } : {}),
      ...(after ? { after } : {}),
      signal: abort.signal,
      onOpen: () => {
        markOpened();
        if (lost) say("Live updates are back.");
        lost = false;
        onMode("stream");
      },
      onReconnecting: () => {
        // Said once per outage: the client retries many times while the fabric stays away.
        if (!lost) say("Live updates lost: reconnecting to the fabric…");
        lost = true;
        onMode("reconnecting");
      },
    });
    try {
      for await (const m of matches) seen(m);
    } catch (err) {
      // A refused token has signed out already (fabric.ts); a fabric without the route is polled.
      if (err instanceof FabricError && err.status === 404) return poll();
      throw err;
    }
  };

  stream()
    .catch(() => onMode("stopped"))
    .finally(() => {
      markOpened();
      abort.abort();
    });
  return { stop: () => abort.abort(), opened };
}
