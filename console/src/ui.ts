import { html, nothing, type TemplateResult } from "lit";
import { FabricError } from "../../client/src/errors";
import type { Monitor } from "./types";

/**
 * What every page shares: a page is a `view()` over its own state that calls `rerender()` when
 * that state changes, and `stop()`s its timers and streams when the reader leaves it. lit escapes
 * every value bound into a template, so user strings (monitor ids, workflow ids, reasons) always
 * render as text; no page uses unsafeHTML.
 *
 * @example const page: Page = { view: () => html`<h1>Overview</h1>`, stop() {} };
 */
export type Page = { view(): TemplateResult; stop(): void };

let renderer: () => void = () => {};
let queued = false;
const afterNext: (() => void)[] = [];

export function setRenderer(fn: () => void): void {
  renderer = fn;
}

/** Re-renders the current page once, after the current task (many state changes, one render). */
export function rerender(): void {
  if (queued) return;
  queued = true;
  queueMicrotask(() => {
    queued = false;
    renderer();
    for (const fn of afterNext.splice(0)) fn();
  });
}

/** Runs `fn` once the next render is in the page (e.g. to move focus to an element it adds). */
export function afterRender(fn: () => void): void {
  afterNext.push(fn);
  rerender();
}

/** Where focus goes when the element that had it left the page: `selector`'s element, made focusable. */
export function focusIfLost(selector: string): void {
  const active = document.activeElement;
  if (active && active !== document.body && active.isConnected) return;
  const target = document.querySelector<HTMLElement>(selector);
  if (!target) return;
  if (!target.hasAttribute("tabindex")) target.tabIndex = -1;
  target.focus();
}

/** A fabric's refusal as a person reads it: the problem's title and detail, then each path and its fault. */
function describe(err: FabricError): string {
  const head = err.detail ? `${err.title}: ${err.detail}` : err.title;
  return [head, ...err.errors.map((e) => `${e.path}: ${e.message}`)].join("\n");
}

/**
 * A failure as a message a person can act on. A request that never got an answer says which
 * fabric it tried (the console's own origin) and what to check, not the browser's bare
 * "Failed to fetch".
 */
export function errorText(err: unknown): string {
  if (err instanceof FabricError && err.code === "network")
    return `Cannot reach the fabric at ${location.origin}: is it running? (${err.detail})`;
  if (err instanceof FabricError) return describe(err);
  return err instanceof Error ? err.message : String(err);
}

/** `errorText` in the page's alert box (never a blank page). */
export function errorBox(err: unknown): TemplateResult {
  return html`<div class="error" role="alert">${errorText(err)}</div>`;
}

export function maybeError(err: unknown): TemplateResult | typeof nothing {
  return err === undefined ? nothing : errorBox(err);
}

/** Runs a promise-returning action and reports its failure through `onError`, never unhandled. */
export function act(run: () => Promise<void>, onError: (err: unknown) => void): void {
  run().catch((err: unknown) => {
    onError(err);
    rerender();
  });
}

export function time(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "–";
  return new Date(ms).toISOString().replace("T", " ").replace(".000Z", "Z");
}

export function age(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "–";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

export function count(n: number | null | undefined): string {
  return n === null || n === undefined ? "–" : n.toLocaleString("en-US");
}

/** A hash link inside the console (`#/monitors/<id>`), with the id encoded. */
export function monitorHref(monitorId: string): string {
  return `#/monitors/${encodeURIComponent(monitorId)}`;
}

/** A hash link to a stream's page (`#/streams/<key>`), with the key encoded. */
export function streamHref(streamKey: string): string {
  return `#/streams/${encodeURIComponent(streamKey)}`;
}

/**
 * A monitor's status as the registry reads it (active, disabled, expired), not its `enabled` flag:
 * an expired monitor, or a `once` monitor that has fired, is stopped while `enabled` stays true.
 */
export function statusBadge(m: Pick<Monitor, "status" | "enabled">): TemplateResult {
  const why =
    m.status === "expired"
      ? "expiresAt has passed: it matches nothing; an update with a later expiresAt revives it"
      : m.status === "disabled" && m.enabled
        ? "a once monitor that has fired: any update re-arms it"
        : m.status === "disabled"
          ? "enabled is false"
          : "matching";
  return html`<span class="badge ${m.status === "active" ? "on" : "off"}" title=${why}>${m.status}</span>`;
}
