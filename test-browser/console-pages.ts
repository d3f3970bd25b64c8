import type { Page } from "playwright-core";

/**
 * Driving the console in the browser tests and `npm run screenshots`: sign in as a person does
 * (the token typed into the prompt), open a page by its hash route, and read what the charts and
 * the explain lanes hold from their data attributes.
 *
 * @example await signIn(page, base, "dev-admin-token"); await openConsole(page, base, "#/monitors/btc-cross");
 */
export async function signIn(page: Page, base: string, token: string): Promise<void> {
  await page.goto(`${base}/console/`);
  await page.locator("input[name=token]").fill(token);
  await page.locator("button[type=submit]").click();
  await page.locator("header.top").waitFor({ timeout: 15_000 });
}

/** A full load of a console route (a hash change alone would not reload the page). */
export async function openConsole(page: Page, base: string, hash: string): Promise<void> {
  await page.goto("about:blank");
  await page.goto(`${base}/console/${hash}`);
}

/** Waits until every stream chart of a monitor page has its facts and matches, and returns each chart's marker count. */
export async function chartMarkers(page: Page, expected?: number): Promise<number[]> {
  const read = () =>
    page.locator(".chart[data-stream]").evaluateAll((els) => els.map((e) => e.getAttribute("data-markers")));
  const until = Date.now() + 20_000;
  for (;;) {
    const counts = await read();
    const total = counts.reduce((a, c) => a + Number(c ?? 0), 0);
    const drawn = counts.length > 0 && counts.every((c) => c !== null);
    if ((drawn && (expected === undefined || total === expected)) || Date.now() > until) return counts.map(Number);
    await page.waitForTimeout(100);
  }
}

/** Each explain lane's truths, cell by cell, keyed by the condition's index. */
export async function laneTruths(page: Page): Promise<Record<string, boolean[]>> {
  await page.locator(".lanes").waitFor({ timeout: 20_000 });
  const lanes = await page
    .locator(".lane[data-condition]")
    .evaluateAll((els) =>
      els.map((e) => [
        e.getAttribute("data-condition") ?? "",
        [...e.querySelectorAll(".cell")].map((c) => c.getAttribute("data-truth") === "true"),
      ]),
    );
  return Object.fromEntries(lanes);
}
