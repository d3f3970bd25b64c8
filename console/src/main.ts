import { html, render } from "lit";
import { quiet, statusRegion } from "./announce";
import { deadLettersPage } from "./pages/dead-letters";
import { loginView } from "./pages/login";
import { monitorPage } from "./pages/monitor";
import { monitorsPage } from "./pages/monitors";
import { overviewPage } from "./pages/overview";
import { rebuildsPage } from "./pages/rebuilds";
import { streamPage } from "./pages/stream";
import { streamsPage } from "./pages/streams";
import { type SignOutReason, session } from "./session";
import { errorBox, type Page, rerender, setRenderer } from "./ui";

/**
 * The console's shell: sign-in when there is no token, otherwise the navigation and the page the
 * location hash names (`#/`, `#/monitors`, `#/monitors/<id>`, `#/dead-letters`, `#/rebuilds`).
 * Hash routes keep every page on the one static `/console/` file the fabric serves.
 */
const root = document.getElementById("app") ?? document.body;
let page: Page | null = null;
let pageRoute = "";
let signedOut: SignOutReason = null;

const NAV = [
  ["#/", "Overview"],
  ["#/monitors", "Monitors"],
  ["#/streams", "Streams"],
  ["#/dead-letters", "Dead letters"],
  ["#/rebuilds", "Rebuilds"],
] as const;

function currentRoute(): string {
  return location.hash.replace(/^#/, "") || "/";
}

function pageFor(route: string): Page {
  const monitor = /^\/monitors\/(.+)$/.exec(route);
  if (monitor?.[1]) return monitorPage(idFromHash(monitor[1]));
  if (route.startsWith("/monitors")) return monitorsPage();
  const stream = /^\/streams\/(.+)$/.exec(route);
  if (stream?.[1]) return streamPage(idFromHash(stream[1]));
  if (route.startsWith("/streams")) return streamsPage();
  if (route.startsWith("/dead-letters")) return deadLettersPage();
  if (route.startsWith("/rebuilds")) return rebuildsPage();
  return overviewPage();
}

/**
 * The monitor id in `#/monitors/<id>` (or the stream key in `#/streams/<key>`): the console's links encode it, but a hand-typed `%` that is
 * not an escape would make decodeURIComponent throw and blank the whole console; it is the id as typed.
 */
function idFromHash(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** A route's name in the tab's title (what a screen reader says first when the page changes). */
function titleOf(route: string): string {
  const monitor = /^\/monitors\/(.+)$/.exec(route);
  if (monitor?.[1]) return `Monitor ${idFromHash(monitor[1])}`;
  const stream = /^\/streams\/(.+)$/.exec(route);
  if (stream?.[1]) return `Stream ${idFromHash(stream[1])}`;
  return NAV.find(([href]) => href !== "#/" && route.startsWith(href.slice(1)))?.[1] ?? "Overview";
}

/** Starts the page of the current route (stopping the last one), or none while signed out. */
function syncPage(): void {
  const route = session.token() ? currentRoute() : "";
  if (route === pageRoute && (page || !route)) return;
  page?.stop();
  quiet();
  page = null;
  pageRoute = route;
  if (route) page = pageFor(route);
}

function shell() {
  syncPage();
  if (!page) return html`<main>${loginView(signedOut)}</main>`;
  const route = currentRoute();
  const active = (href: string) => (href === "#/" ? route === "/" : route.startsWith(href.slice(1)));
  return html`<header class="top">
      <a class="brand" href="#/">Fabric console</a>
      <nav aria-label="Console pages">${NAV.map(
        ([href, label]) =>
          html`<a href=${href} class=${active(href) ? "active" : ""} aria-current=${active(href) ? "page" : "false"}>${label}</a>`,
      )}</nav>
      <span class="who">${session.canWrite() ? "admin" : "read-only"}</span>
      <button class="link" @click=${() => session.signOut()}>Sign out</button>
    </header>
    <main>${page.view()}${statusRegion()}</main>`;
}

/** The view last shown: a route, or "" for the sign-in prompt; undefined before the first render. */
let shownView: string | undefined;

/**
 * After a route change (or signing in or out) the browser's focus would stay on a link that is
 * gone or far up the page: it moves to the new page's heading (or the token field), so a keyboard
 * or screen-reader user starts reading the page they asked for. The first render leaves focus alone.
 */
function followRoute(): void {
  const view = page ? pageRoute : "";
  if (view === shownView) return;
  const first = shownView === undefined;
  shownView = view;
  const heading = root.querySelector<HTMLElement>("main h1");
  document.title = page ? `${titleOf(pageRoute)} · Fabric console` : "Sign in · Fabric console";
  if (first) return;
  const target = page ? heading : root.querySelector<HTMLElement>("input[name=token]");
  if (!target) return;
  if (page) target.tabIndex = -1;
  target.focus();
}

setRenderer(() => {
  try {
    render(shell(), root);
    followRoute();
  } catch (err) {
    render(html`<main>${errorBox(err)}</main>`, root);
  }
});
session.onChange((reason) => {
  signedOut = reason;
  rerender();
});
window.addEventListener("hashchange", rerender);
window.addEventListener("error", (e) => render(html`<main>${errorBox(e.error ?? e.message)}</main>`, root));
window.addEventListener("unhandledrejection", (e) => render(html`<main>${errorBox(e.reason)}</main>`, root));
rerender();
