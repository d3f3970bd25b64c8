import { html } from "lit";
import { fabric } from "../fabric";
import { session } from "../session";
import { DEAD_LETTER_QUEUES, type DeadLetter, type DeadLetterQueue } from "../types";
import { act, maybeError, type Page, rerender, time } from "../ui";

/** The most the route lists at once (newest first); a queue holding more says so. */
const LIST_LIMIT = 1000;

/**
 * Dead letters of each queue with their reason; Replay re-sends one to its queue (consumers are
 * idempotent) and it leaves the list of those waiting (shown again with "show replayed").
 */
export function deadLettersPage(): Page {
  const rows: Partial<Record<DeadLetterQueue, DeadLetter[]>> = {};
  let showReplayed = false;
  let error: unknown;
  let done = "";

  const load = () =>
    act(
      async () => {
        error = undefined;
        await Promise.all(
          DEAD_LETTER_QUEUES.map(async (q) => {
            rows[q] = (await fabric.deadLetters.list(q, { limit: LIST_LIMIT })) as DeadLetter[];
          }),
        );
        rerender();
      },
      (err) => {
        error = err;
      },
    );
  load();

  const replay = (q: DeadLetterQueue, id: string) => () =>
    act(
      async () => {
        error = undefined;
        await fabric.deadLetters.replay(q, id);
        done = `Replayed ${id} to queue ${q}.`;
        load();
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
          // Until a queue's list arrives its card says "Loading…", unless the load failed: then the error alone.
          if (!rows[q] && error !== undefined) return "";
          const list = (rows[q] ?? []).filter((d) => showReplayed || d.replayed_at === null);
          // A full answer means the queue may hold older ones the route did not list: never claim
          // the count is all of them.
          const full = rows[q]?.length === LIST_LIMIT;
          return html`<section class="card" data-queue=${q}>
            <h2>${q} <small class="muted">(${list.length}${full ? "+" : ""})</small></h2>
            ${full ? html`<p class="notice" data-more>Only the newest ${LIST_LIMIT.toLocaleString("en-US")} of this queue are listed; it holds more (the overview counts them all).</p>` : ""}
            ${
              list.length === 0
                ? html`<p class="muted">${rows[q] ? "None waiting." : "Loading…"}</p>`
                : html`<div class="scroll"><table>
              <thead><tr><th>id</th><th>reason</th><th>attempts</th><th>failed</th><th>replayed</th><th></th></tr></thead>
              <tbody>${list.map(
                (
                  d,
                ) => html`<tr data-dead-letter=${d.id}><td><code>${d.id}</code></td><td>${d.reason}</td><td>${d.attempts}</td>
                  <td>${time(d.failed_at)}</td><td>${d.replay_count ? `${d.replay_count}× · ${time(d.replayed_at)}` : "–"}</td>
                  <td>${session.canWrite() ? html`<button data-action="replay" @click=${replay(q, d.id)}>Replay</button>` : ""}</td></tr>`,
              )}</tbody></table></div>`
            }
          </section>`;
        })}`;
    },
  };
}
