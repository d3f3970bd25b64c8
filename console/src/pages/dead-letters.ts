import { html } from "lit";
import { say } from "../announce";
import { fabric } from "../fabric";
import { session } from "../session";
import { DEAD_LETTER_QUEUES, type DeadLetter, type DeadLetterQueue } from "../types";
import { act, afterRender, focusIfLost, maybeError, type Page, rerender, time } from "../ui";

/** Dead letters read per "Load more" of a queue (oldest first, as the route pages them). */
export const PAGE_SIZE = 200;

type QueueList = { rows: DeadLetter[]; nextCursor: string | null; loading: boolean };

/**
 * Dead letters of each queue with their reason, oldest first, a page at a time ("Load more" reads
 * the next). Replay re-sends one to its queue (consumers are idempotent) and it leaves the list of
 * those waiting (shown again with "show replayed").
 */
export function deadLettersPage(): Page {
  const lists: Partial<Record<DeadLetterQueue, QueueList>> = {};
  let showReplayed = false;
  let error: unknown;
  let done = "";

  /** The first page of a queue, or (more) the page after those listed. */
  const load = (q: DeadLetterQueue, more: boolean) =>
    act(
      async () => {
        error = undefined;
        const before = lists[q];
        if (before) before.loading = true;
        rerender();
        const cursor = more ? before?.nextCursor : null;
        const page = await fabric.deadLetters.page(q, { pageSize: PAGE_SIZE, ...(cursor ? { cursor } : {}) });
        const rows = page.deadLetters as DeadLetter[];
        lists[q] = {
          rows: more && before ? [...before.rows, ...rows] : rows,
          nextCursor: page.nextCursor,
          loading: false,
        };
        rerender();
      },
      (err) => {
        error = err;
        const list = lists[q];
        if (list) list.loading = false;
      },
    );
  for (const q of DEAD_LETTER_QUEUES) load(q, false);

  const replay = (q: DeadLetterQueue, d: DeadLetter) => () =>
    act(
      async () => {
        error = undefined;
        const out = await fabric.deadLetters.replay(q, d.id);
        // Marked where it is rather than re-read: a re-read would drop the pages loaded so far.
        d.replayed_at = Date.now();
        d.replay_count = out.replayCount;
        done = `Replayed ${d.id} to queue ${q}.`;
        say(done);
        // The replayed row leaves the list, and with it the focused Replay button: focus its queue's heading.
        afterRender(() => focusIfLost(`[data-queue=${q}] h2`));
      },
      (err) => {
        error = err;
      },
    );

  return {
    stop() {},
    view() {
      return html`<h1>Dead letters</h1>
        <label class="inline"><input type="checkbox" .checked=${showReplayed} @change=${(e: Event) => {
          showReplayed = (e.target as HTMLInputElement).checked;
          rerender();
        }}> show replayed</label>
        ${done ? html`<p class="notice">${done}</p>` : ""}
        ${maybeError(error)}
        ${DEAD_LETTER_QUEUES.map((q) => {
          const loaded = lists[q];
          // Until a queue's list arrives its card says "Loading…", unless the load failed: then the error alone.
          if (!loaded && error !== undefined) return "";
          const list = (loaded?.rows ?? []).filter((d) => showReplayed || d.replayed_at === null);
          // With more pages to read, never claim the count is all of them.
          const more = loaded?.nextCursor != null;
          return html`<section class="card" data-queue=${q}>
            <h2>${q} <small class="muted">(${list.length}${more ? "+" : ""})</small></h2>
            ${
              list.length === 0
                ? html`<p class="muted">${loaded ? (more ? "None waiting among the oldest listed." : "None waiting.") : "Loading…"}</p>`
                : html`<div class="scroll"><table>
              <thead><tr><th>id</th><th>reason</th><th>attempts</th><th>failed</th><th>replayed</th><th><span class="sr-only">action</span></th></tr></thead>
              <tbody>${list.map(
                (
                  d,
                ) => html`<tr data-dead-letter=${d.id}><td><code>${d.id}</code></td><td>${d.reason}</td><td>${d.attempts}</td>
                  <td>${time(d.failed_at)}</td><td>${d.replay_count ? `${d.replay_count}× · ${time(d.replayed_at)}` : "–"}</td>
                  <td>${session.canWrite() ? html`<button data-action="replay" aria-label=${`Replay ${d.id}`} @click=${replay(q, d)}>Replay</button>` : ""}</td></tr>`,
              )}</tbody></table></div>`
            }
            ${
              more
                ? html`<p class="muted" data-more>Listed: the oldest ${(loaded?.rows.length ?? 0).toLocaleString("en-US")} of this queue; it holds more (the overview counts those waiting).
                    <button data-action="load-more" aria-label=${`Load more of ${q}`} ?disabled=${loaded?.loading} @click=${() => load(q, true)}>Load more</button></p>`
                : ""
            }
          </section>`;
        })}`;
    },
  };
}
