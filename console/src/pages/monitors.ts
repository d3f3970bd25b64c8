import { html } from "lit";
import type { MonitorFilters } from "../../../client/src/admin";
import { newMatches, say } from "../announce";
import { fabric } from "../fabric";
import { followMatches, type LiveMode, liveLabel } from "../live-matches";
import { PagedList } from "../paged-list";
import { conditionsOf, streamKeyOf } from "../predicate-view";
import type { Monitor, MonitorStatus } from "../types";
import { count, maybeError, monitorHref, type Page, rerender, statusBadge, time } from "../ui";

/** How often listed monitors that matched are read again, and how many reads at most each time. */
const REFRESH_MS = 2_000;
const REFRESH_READS = 8;

type Filters = { workflowId: string; ownerUserId: string; stream: string; enabled: string; status: string };

/** The form's filters as the client takes them (an empty field filters nothing), 100 a page. */
function filterQuery(f: Filters): MonitorFilters {
  return {
    pageSize: 100,
    ...(f.workflowId ? { workflowId: f.workflowId } : {}),
    ...(f.ownerUserId ? { ownerUserId: f.ownerUserId } : {}),
    ...(f.stream ? { stream: f.stream } : {}),
    ...(f.enabled ? { enabled: f.enabled === "true" } : {}),
    ...(f.status ? { status: f.status as MonitorStatus } : {}),
  };
}

/**
 * The monitors list: the registry's filters (workflow, owner, stream, enabled) go to
 * `GET /v1/monitors`; the search box narrows the loaded rows by any text they show. Each row has
 * the monitor's state and last match; "Load more" follows `nextCursor`. A listed monitor that
 * matches while the page is open is read again (the live match stream says when), so its count
 * and last match are the registry's own, never a guess added up in the page.
 */
export function monitorsPage(): Page {
  let filters: Filters = { workflowId: "", ownerUserId: "", stream: "", enabled: "", status: "" };
  let search = "";
  let liveMode: LiveMode = "connecting";
  const list = new PagedList<Monitor>({
    read: async (cursor) => {
      const page = await fabric.monitors.page(filterQuery(filters), cursor);
      return { items: page.monitors, nextCursor: page.nextCursor };
    },
    noun: "monitor",
    rows: "table.monitors tbody tr",
  });
  list.load(false, false);

  // Listed monitors that matched since the last refresh, read again together every REFRESH_MS, at
  // most REFRESH_READS at a time: a page of monitors that each fire every second would otherwise
  // be a read per monitor every few hundred milliseconds from one open tab.
  const dirty = new Set<string>();
  let stopped = false;
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;
  // The timer handle stays set while its reads are out, so a second batch never overlaps the first.
  const refreshDirty = () => {
    const ids = [...dirty].slice(0, REFRESH_READS);
    for (const id of ids) dirty.delete(id);
    Promise.all(
      ids.map((monitorId) =>
        fabric.monitors
          .get(monitorId)
          .then((fresh) => {
            const old = list.items.find((m) => m.monitorId === monitorId);
            newMatches(fresh.state.matchCount - (old?.state.matchCount ?? fresh.state.matchCount));
            list.items = list.items.map((m) => (m.monitorId === monitorId ? fresh : m));
          })
          .catch(() => {}),
      ),
    )
      .then(() => {
        if (stopped) return;
        rerender();
        refreshTimer = dirty.size > 0 ? setTimeout(refreshDirty, REFRESH_MS) : undefined;
      })
      .catch(() => {});
  };
  const refresh = (monitorId: string) => {
    if (!list.items.some((m) => m.monitorId === monitorId)) return;
    dirty.add(monitorId);
    refreshTimer ??= setTimeout(refreshDirty, REFRESH_MS);
  };
  const live = followMatches(
    undefined,
    undefined,
    (m) => refresh(m.monitorId),
    (mode) => {
      // The fabric is back after the list failed to load (it was down): read the list again.
      if (mode === "stream" && liveMode === "reconnecting" && list.error !== undefined && !list.loading)
        list.load(false, false);
      liveMode = mode;
      rerender();
    },
  );

  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const get = (k: string) => String(form.get(k) ?? "").trim();
    filters = {
      workflowId: get("workflowId"),
      ownerUserId: get("ownerUserId"),
      stream: get("stream"),
      enabled: get("enabled"),
      status: get("status"),
    };
    list.load(false);
  };
  const text = (m: Monitor) => [m.monitorId, m.workflowId, m.ownerUserId, ...streams(m)].join(" ").toLowerCase();
  const shownNow = () => (search ? list.items.filter((m) => text(m).includes(search.toLowerCase())) : list.items);
  // What the table now holds, said once typing pauses (each keystroke would interrupt the last).
  let searchTimer: ReturnType<typeof setTimeout> | undefined;
  const announceShown = () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => say(`${shownNow().length} of ${list.items.length} loaded monitors shown.`), 600);
  };

  return {
    stop() {
      stopped = true;
      live.stop();
      clearTimeout(refreshTimer);
      clearTimeout(searchTimer);
    },
    view() {
      const { items: monitors, nextCursor, loading, error } = list;
      const shown = shownNow();
      return html`<h1>Monitors <small class="muted" data-live=${liveMode}>(live: ${liveLabel(liveMode)})</small></h1>
        <form class="filters" @submit=${submit}>
          <input name="workflowId" placeholder="workflowId" aria-label="Workflow id" .value=${filters.workflowId}>
          <input name="ownerUserId" placeholder="ownerUserId" aria-label="Owner user id" .value=${filters.ownerUserId}>
          <input name="stream" placeholder="stream, e.g. market_price:BTC-USD" aria-label="Stream key" .value=${filters.stream}>
          <select name="enabled" aria-label="Enabled" .value=${filters.enabled}>
            <option value="">enabled or not</option><option value="true">enabled</option><option value="false">disabled</option>
          </select>
          <select name="status" aria-label="Status" .value=${filters.status}>
            <option value="">any status</option><option value="active">active</option>
            <option value="disabled">disabled</option><option value="expired">expired</option>
          </select>
          <button type="submit">Filter</button>
        </form>
        <input class="search" type="search" placeholder="Search the loaded monitors" aria-label="Search the loaded monitors"
          .value=${search} @input=${(e: Event) => {
            search = (e.target as HTMLInputElement).value;
            announceShown();
            rerender();
          }}>
        ${maybeError(error)}
        ${
          // A failed load shows its error alone: an empty table and "No monitor matches." would
          // claim the registry has none.
          error !== undefined && monitors.length === 0
            ? ""
            : html`<div class="scroll"><table class="monitors">
          <thead><tr><th>monitor</th><th>workflow</th><th>owner</th><th>streams</th><th>state</th><th>matches</th><th>last match</th></tr></thead>
          <tbody>${shown.map(
            (m) => html`<tr data-monitor=${m.monitorId}>
              <td><a href=${monitorHref(m.monitorId)}>${m.monitorId}</a></td>
              <td>${m.workflowId}</td><td>${m.ownerUserId}</td><td>${streams(m).join(", ")}</td>
              <td>${statusBadge(m)}</td>
              <td>${count(m.state.matchCount)}</td><td>${time(m.state.lastMatchedAt)}</td>
            </tr>`,
          )}</tbody>
        </table></div>`
        }
        ${loading ? html`<p class="muted">Loading…</p>` : !shown.length && error === undefined ? html`<p class="muted">No monitor matches.</p>` : ""}
        ${nextCursor ? html`<button @click=${() => loading || list.load(true)}>Load more</button>` : ""}`;
    },
  };
}

function streams(m: Monitor): string[] {
  return [...new Set(conditionsOf(m.predicate).map((l) => streamKeyOf(l.condition.stream)))];
}
