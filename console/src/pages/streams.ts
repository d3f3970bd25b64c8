import { html } from "lit";
import type { StreamFilters } from "../../../client/src/admin";
import type { FactKind } from "../../../shared/src/facts";
import { fabric } from "../fabric";
import { PagedList } from "../paged-list";
import { STREAM_KINDS } from "../stream-kinds";
import type { StreamRead } from "../types";
import { count, maybeError, type Page, streamHref, time } from "../ui";

/** Streams read per page ("Load more" reads the next). */
export const PAGE_SIZE = 100;

type Filters = { kind: string; q: string };

/**
 * The streams the fabric holds (`GET /v1/streams`), in key order: each with its stored facts, the
 * event time they span and how many monitors read it, linked to its own page. The kind filter and
 * the text box go to the fabric, so a subject typed a little wrong (`btc` for BTC-USD and BTCUSD)
 * is found among every stream, not only the loaded ones.
 */
export function streamsPage(): Page {
  let filters: Filters = { kind: "", q: "" };
  const list = new PagedList<StreamRead>({
    read: async (cursor) => {
      const query: StreamFilters = {
        pageSize: PAGE_SIZE,
        ...(filters.kind ? { kind: filters.kind as FactKind } : {}),
        ...(filters.q ? { q: filters.q } : {}),
      };
      const page = await fabric.streams.page(query, cursor);
      return { items: page.streams, nextCursor: page.nextCursor };
    },
    noun: "stream",
    rows: "table.streams tbody tr",
  });
  list.load(false, false);

  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    filters = { kind: String(form.get("kind") ?? ""), q: String(form.get("q") ?? "").trim() };
    list.load(false);
  };

  return {
    stop() {},
    view() {
      const { items: streams, nextCursor, loading, error } = list;
      const filtered = filters.kind !== "" || filters.q !== "";
      return html`<h1>Streams</h1>
        <p class="muted">Every stream the fabric holds facts for: its stored facts, the event time they span, and the monitors that read it.</p>
        <form class="filters" @submit=${submit}>
          <select name="kind" aria-label="Kind" .value=${filters.kind}>
            <option value="">any kind</option>
            ${STREAM_KINDS.map((k) => html`<option value=${k}>${k}</option>`)}
          </select>
          <input name="q" type="search" placeholder="key or subject contains, e.g. btc" aria-label="Key or subject contains"
            .value=${filters.q}>
          <button type="submit">Filter</button>
        </form>
        ${maybeError(error)}
        ${
          // A failed load shows its error alone: an empty table would claim the fabric holds no stream.
          error !== undefined && streams.length === 0
            ? ""
            : html`<div class="scroll"><table class="streams">
          <thead><tr><th>stream</th><th>kind</th><th>facts</th><th>first observed</th><th>last observed</th><th>monitors</th></tr></thead>
          <tbody>${streams.map(
            (s) => html`<tr data-stream=${s.streamKey}>
              <td><a href=${streamHref(s.streamKey)}>${s.streamKey}</a></td><td>${s.kind}</td>
              <td>${count(s.facts)}</td><td>${time(s.firstObservedAt)}</td><td>${time(s.lastObservedAt)}</td>
              <td>${count(s.monitors)}</td>
            </tr>`,
          )}</tbody>
        </table></div>`
        }
        ${
          loading
            ? html`<p class="muted">Loading…</p>`
            : streams.length === 0 && error === undefined
              ? html`<p class="muted" data-empty>${filtered ? "No stream matches." : "No streams yet: push facts to POST /v1/facts."}</p>`
              : ""
        }
        ${nextCursor ? html`<button aria-label="Load more streams" @click=${() => loading || list.load(true)}>Load more</button>` : ""}`;
    },
  };
}
