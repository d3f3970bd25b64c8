import chromium from "@sparticuz/chromium";
import { type Browser, type Page, chromium as playwright } from "playwright-core";
import { type DevFabric, startDevFabric } from "../test-fixtures/dev-fabric";

/**
 * A real browser against the real local fabric, for UI tests (vitest project `browser`):
 * `npm run dev` itself on a free port (test-fixtures/dev-fabric.ts) and headless Chromium from the
 * `@sparticuz/chromium` npm package driven by `playwright-core` — no apt, no browser download.
 * Each `newPage()` is a fresh browser context that records every request and error, and answers
 * any request off the fabric's origin with a network error (recorded first), so a UI that reaches
 * for a CDN fails its test at once instead of hanging on a network this machine does not have.
 * With BASE set (e.g. `BASE=http://127.0.0.1:8787`), the harness uses that running fabric.
 *
 * @example
 * const ui = await startBrowserHarness(); // in beforeAll: ~12 s, the fabric and Chromium start together
 * const { page, offOrigin } = await ui.newPage();
 * await page.goto(`${ui.base}/docs`);
 * expect(offOrigin()).toEqual([]);
 * await ui.close(); // in afterAll
 */
export type BrowserHarness = {
  /** The fabric's origin, e.g. `http://127.0.0.1:40123`. */
  base: string;
  /** The fabric's local state folder; unknown (undefined) when BASE names a running fabric. */
  stateDir: string | undefined;
  browser: Browser;
  newPage: () => Promise<RecordedPage>;
  close: () => Promise<void>;
};

export type RecordedPage = {
  page: Page;
  /** Every URL the page and its workers requested, in order (data: and blob: URLs included). */
  requests: string[];
  /** The requested http(s)/ws(s) URLs whose origin is not the fabric's. */
  offOrigin: () => string[];
  /** Uncaught page errors and console errors, as text. */
  errors: string[];
};

/**
 * Sparticuz's flags are made for AWS Lambda; these three would make the browser unlike a user's
 * (no same-origin policy, mixed content allowed) or fragile with several contexts (one process).
 * Playwright adds its own quiet flags (--disable-background-networking, no component updates).
 */
const UNWANTED_FLAGS = new Set(["--disable-web-security", "--allow-running-insecure-content", "--single-process"]);

export async function launchChromium(): Promise<Browser> {
  const executablePath = await chromium.executablePath();
  const args = chromium.args.filter((a) => !UNWANTED_FLAGS.has(a));
  return playwright.launch({ executablePath, args, headless: true });
}

export async function startBrowserHarness(): Promise<BrowserHarness> {
  const reuse = process.env.BASE;
  const [started, launched] = await Promise.allSettled([
    reuse ? Promise.resolve<DevFabric>({ base: reuse, stop: async () => {} }) : startDevFabric(),
    launchChromium(),
  ]);
  if (started.status === "rejected" || launched.status === "rejected") {
    // A failed beforeAll runs no afterAll: stop whichever of the two did start.
    if (started.status === "fulfilled") await started.value.stop();
    if (launched.status === "fulfilled") await launched.value.close();
    throw started.status === "rejected" ? started.reason : (launched as PromiseRejectedResult).reason;
  }
  const fabric = started.value;
  const browser = launched.value;
  const origin = new URL(fabric.base).origin;
  const offOriginUrl = (url: string) => /^(https?|wss?):/.test(url) && new URL(url).origin !== origin;

  return {
    base: fabric.base,
    stateDir: fabric.stateDir,
    browser,
    async newPage() {
      const context = await browser.newContext();
      const requests: string[] = [];
      const errors: string[] = [];
      context.on("request", (r) => requests.push(r.url()));
      await context.route(
        (url) => offOriginUrl(url.href),
        (route) => route.abort("blockedbyclient"),
      );
      const page = await context.newPage();
      page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
      page.on("console", (m) => {
        if (m.type() === "error") errors.push(`console: ${m.text()}`);
      });
      return { page, requests, errors, offOrigin: () => requests.filter(offOriginUrl) };
    },
    async close() {
      await browser.close().catch(() => {});
      await fabric.stop();
    },
  };
}
