import { html } from "lit";
import { ifDefined } from "lit/directives/if-defined.js";
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
  let confirming = false;

  const remember = (id: string) => {
    if (!ids.includes(id)) ids.unshift(id);
    sessionStorage.setItem(KNOWN_KEY, JSON.stringify(ids.slice(0, 20)));
  };
  const refresh = async () => {
    for (const id of ids) {
      if (status.get(id)?.status === "complete" || status.get(id)?.status === "failed") continue;
      status.set(id, await fabric.admin.rebuildStatus(id));
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
      confirming = false;
      error = undefined;
      const { rebuildId } = await fabric.admin.startRebuild(["all"]);
      remember(rebuildId);
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
            ? confirming
              ? html`<div class="confirm"><span>Rebuild all projections now?</span>
                <button data-action="confirm" class="danger" @click=${start}>Yes</button>
                <button @click=${() => {
                  confirming = false;
                  rerender();
                }}>Cancel</button></div>`
              : html`<button data-action="rebuild" @click=${() => {
                  confirming = true;
                  rerender();
                }}>Rebuild all projections</button>`
            : ""
        }
        <form class="filters" @submit=${lookup}><input name="id" placeholder="rebuildId"><button type="submit">Follow</button></form>
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
            <progress max=${max ?? 1} value=${ifDefined(max === undefined ? undefined : done ? max : (s?.eventsApplied ?? 0))}></progress>
            <p class="muted">${count(s?.eventsApplied)} events applied · started ${time(s?.startedAt)}${s?.completedAt ? ` · completed ${time(s.completedAt)}` : ""}${s?.error ? ` · ${s.error}` : ""}</p>
          </section>`;
        })}`;
    },
  };
}
