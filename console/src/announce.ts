import { html } from "lit";
import { rerender } from "./ui";

/**
 * The console's one polite status line for screen readers (role="status", visually hidden, always
 * in the page so a change of its text is read out). Results of what a person just did are said at
 * once (`say`); matches arriving by the live stream are counted and said at most once every
 * QUIET_MS ("12 new matches"), so a monitor firing every second never floods the reader.
 *
 * @example say("Replayed msg-1 to queue events."); newMatches(3); html`${statusRegion()}`;
 */
const QUIET_MS = 5_000;
/** The gap between clearing the line and setting it: the same text twice is then read twice. */
const CLEAR_MS = 50;

let text = "";
let unsaid = 0;
let lastSaidAt = 0;
let matchTimer: ReturnType<typeof setTimeout> | undefined;
let setTimer: ReturnType<typeof setTimeout> | undefined;

function speak(message: string): void {
  lastSaidAt = Date.now();
  text = "";
  rerender();
  clearTimeout(setTimer);
  setTimer = setTimeout(() => {
    text = message;
    rerender();
  }, CLEAR_MS);
}

function matchesLine(): string {
  const n = unsaid;
  unsaid = 0;
  return n === 0 ? "" : `${n.toLocaleString("en-US")} new match${n === 1 ? "" : "es"}.`;
}

/** Says a message now (with any new matches not said yet). */
export function say(message: string): void {
  clearTimeout(matchTimer);
  matchTimer = undefined;
  speak([message, matchesLine()].filter(Boolean).join(" "));
}

/** Counts `n` matches that arrived live; they are said together, no sooner than QUIET_MS after the last line. */
export function newMatches(n: number): void {
  if (n <= 0) return;
  unsaid += n;
  if (matchTimer) return;
  const wait = Math.max(0, lastSaidAt + QUIET_MS - Date.now());
  matchTimer = setTimeout(() => {
    matchTimer = undefined;
    const line = matchesLine();
    if (line) speak(line);
  }, wait);
}

/** Forgets what is not said yet (the page that counted it is gone) and empties the line. */
export function quiet(): void {
  clearTimeout(matchTimer);
  clearTimeout(setTimer);
  matchTimer = undefined;
  unsaid = 0;
  text = "";
}

/** The status line itself, rendered once by the shell. */
export function statusRegion() {
  return html`<div class="sr-only" role="status" aria-live="polite" data-announce>${text}</div>`;
}
