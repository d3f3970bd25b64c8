import { html } from "lit";
import { ifDefined } from "lit/directives/if-defined.js";
import { say } from "../announce";
import { Confirmation } from "../confirm";
import { fabric } from "../fabric";
import { session } from "../session";
import type { RebuildStatus } from "../types";
import { act, count, maybeError, type Page, rerender, time } from "../ui";

const KNOWN_KEY = "fabric-console.rebuilds";
const POLL_MS = 1_000;

/**
 * Projection rebuilds: start one (with confirmation), and follow each started from this tab, or
 * looked up by id, with a progress bar. The fabric reports events applied, not a total, so a
 * running rebuild's bar is measured against the last completed one (indeterminate before any).
 */
export function rebuildsPage(): Page {
  const ids: string[] = JSON.parse(sessionStorage.getItem(KNOWN_KEY) ?? "[]") as string[];
  const status = new Map<string, RebuildStatus>();
  let error: unknown;
  // A failed status read, apart from a failed start: it clears when a read succeeds again.
  let loadError: unknown;
  const confirmation = new Confirmation("rebuild-confirm");
  const startedHere = new Set<string>();

  const remember = (id: string) => {
    if (!ids.includes(id)) ids.unshift(id);
    sessionStorage.setItem(KNOWN_KEY, JSON.stringify(ids.slice(0, 20)));
  };
  const refresh = async () => {
    for (const id of ids) {
      const before = status.get(id)?.status;
      if (before === "complete" || before === "failed") continue;
      const now = await fabric.admin.rebuildStatus(id);
      status.set(id, now);
      // A rebuild seen running (or started here) is said when it ends; one already over when first read is not news.
      const over = now.status === "complete" || now.status === "failed";
      if (over && (before !== undefined || startedHere.has(id))) say(`Rebuild ${id} ${now.status}.`);
    }
    loadError = undefined;
    rerender();
  };
  const onError = (err: unknown) => {
    error = err;
  };
  const onLoadError = (err: unknown) => {
    loadError = err;
  };
  act(refresh, onLoadError);
  const timer = setInterval(() => act(refresh, onLoadError), POLL_MS);

  const start = () =>
    act(async () => {
      error = undefined;
      const { rebuildId } = await fabric.admin.startRebuild(["all"]);
      remember(rebuildId);
      startedHere.add(rebuildId);
      say(`Rebuild ${rebuildId} started.`);
      await refresh();
    }, onError);
  const lookup = (e: SubmitEvent) => {
    e.preventDefault();
    const id = String(new FormData(e.currentTarget as HTMLFormElement).get("id") ?? "").trim();
    if (id) {
      remember(id);
      act(refresh, onLoadError);
    }
  };

  return {
    stop() {
      clearInterval(timer);
    },
    view() {
      const total = [...status.values()].find((s) => s.status === "complete")?.eventsApplied;
      return html`<h1>Rebuilds</h1>
        <p class="muted">Recomputes every D1 projection from the event log into shadow tables and swaps them in; live projection keeps running.</p>
        ${
          session.canWrite()
            ? html`<button data-action="rebuild" @click=${() => confirmation.ask("Rebuild all projections now?", start)}>
                Rebuild all projections</button>${confirmation.view()}`
            : ""
        }
        <form class="filters" @submit=${lookup}><input name="id" placeholder="rebuildId" aria-label="Rebuild id to follow"><button type="submit">Follow</button></form>
        ${maybeError(error ?? loadError)}
        ${ids.map((id) => {
          const s = status.get(id);
          // A rebuild whose status never arrived shows nothing beside a failed read: its "…" would
          // read as "still running".
          if (!s && loadError !== undefined) return "";
          const done = s?.status === "complete";
          const max = done ? s.eventsApplied || 1 : total && s && total >= s.eventsApplied ? total : undefined;
          return html`<section class="card" data-rebuild=${id}>
            <h2><code>${id}</code> <span class="badge ${s?.status ?? ""}">${s?.status ?? "…"}</span></h2>
            <progress aria-label=${`Rebuild ${id}: events applied`} max=${max ?? 1} value=${ifDefined(max === undefined ? undefined : done ? max : (s?.eventsApplied ?? 0))}></progress>
            <p class="muted">${count(s?.eventsApplied)} events applied · started ${time(s?.startedAt)}${s?.completedAt ? ` · completed ${time(s.completedAt)}` : ""}${s?.error ? ` · ${s.error}` : ""}</p>
          </section>`;
        })}`;
    },
  };
}
