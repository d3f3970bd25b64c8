import { html } from "lit";
import type { MonitorFilters } from "../../../client/src/admin";
import { fabric } from "../fabric";
import { followMatches, type LiveMode, liveLabel } from "../live-matches";
import { conditionsOf, streamKeyOf } from "../predicate-view";
import type { Monitor, MonitorStatus } from "../types";
import { act, count, maybeError, monitorHref, type Page, rerender, statusBadge, time } from "../ui";

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
  let monitors: Monitor[] = [];
  let nextCursor: string | null = null;
  let loading = true;
  let error: unknown;
  let liveMode: LiveMode = "connecting";

  const load = (more: boolean) =>
    act(
      async () => {
        loading = true;
        error = undefined;
        rerender();
        const page = await fabric.monitors.page(filterQuery(filters), more ? (nextCursor ?? undefined) : undefined);
        monitors = more ? [...monitors, ...page.monitors] : page.monitors;
        nextCursor = page.nextCursor;
        loading = false;
        rerender();
      },
      (err) => {
        error = err;
        loading = false;
      },
    );
  load(false);

  const pending = new Map<string, ReturnType<typeof setTimeout>>();
  const refresh = (monitorId: string) => {
    if (pending.has(monitorId) || !monitors.some((m) => m.monitorId === monitorId)) return;
    // A burst of matches for one monitor is one read, a moment after the first.
    pending.set(
      monitorId,
      setTimeout(() => {
        pending.delete(monitorId);
        fabric.monitors
          .get(monitorId)
          .then((fresh) => {
            monitors = monitors.map((m) => (m.monitorId === monitorId ? fresh : m));
            rerender();
          })
          .catch(() => {});
      }, 300),
    );
  };
  const live = followMatches(
    undefined,
    undefined,
    (m) => refresh(m.monitorId),
    (mode) => {
      // The fabric is back after the list failed to load (it was down): read the list again.
      if (mode === "stream" && liveMode === "reconnecting" && error !== undefined && !loading) load(false);
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
    load(false);
  };
  const text = (m: Monitor) => [m.monitorId, m.workflowId, m.ownerUserId, ...streams(m)].join(" ").toLowerCase();

  return {
    stop() {
      live.stop();
      for (const t of pending.values()) clearTimeout(t);
    },
    view() {
      const shown = search ? monitors.filter((m) => text(m).includes(search.toLowerCase())) : monitors;
      return html`<h1>Monitors <small class="muted" data-live=${liveMode}>(live: ${liveLabel(liveMode)})</small></h1>
        <form class="filters" @submit=${submit}>
          <input name="workflowId" placeholder="workflowId" .value=${filters.workflowId}>
          <input name="ownerUserId" placeholder="ownerUserId" .value=${filters.ownerUserId}>
          <input name="stream" placeholder="stream, e.g. market_price:BTC-USD" .value=${filters.stream}>
          <select name="enabled" .value=${filters.enabled}>
            <option value="">enabled or not</option><option value="true">enabled</option><option value="false">disabled</option>
          </select>
          <select name="status" .value=${filters.status}>
            <option value="">any status</option><option value="active">active</option>
            <option value="disabled">disabled</option><option value="expired">expired</option>
          </select>
          <button type="submit">Filter</button>
        </form>
        <input class="search" type="search" placeholder="Search the loaded monitors" aria-label="search"
          .value=${search} @input=${(e: Event) => {
            search = (e.target as HTMLInputElement).value;
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
        ${nextCursor && !loading ? html`<button @click=${() => load(true)}>Load more</button>` : ""}`;
    },
  };
}

function streams(m: Monitor): string[] {
  return [...new Set(conditionsOf(m.predicate).map((l) => streamKeyOf(l.condition.stream)))];
}
