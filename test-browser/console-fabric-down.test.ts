import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openConsole, signIn } from "./console-pages";
import { putMonitor, START } from "./console-seed";
import { type BrowserHarness, startBrowserHarness } from "./harness";
import { type SwitchableProxy, startProxy } from "./switchable-proxy";

/**
 * The console when its fabric goes away and comes back: served through a proxy the test takes
 * down (every connection cut, new ones refused, as when `npm run dev` stops) and brings back up.
 */
let ui: BrowserHarness | undefined;
let proxy: SwitchableProxy | undefined;
let context: BrowserContext | undefined;

beforeAll(async () => {
  ui = await startBrowserHarness();
  proxy = await startProxy(Number(new URL(ui.base).port));
}, 100_000);

afterAll(async () => {
  await context?.close();
  await proxy?.close();
  await ui?.close();
});

/** Goes to a console route without reloading (there is no fabric to load the page from). */
async function route(page: Page, hash: string): Promise<void> {
  await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
}

describe("the console with its fabric down", () => {
  it("says the live stream is reconnecting, shows only an actionable error on each page, and goes live again", async () => {
    if (!ui || !proxy) throw new Error("no harness");
    await putMonitor(ui.base, "down-live", {
      workflowId: "wf_down",
      ownerUserId: "u_down",
      predicate: {
        stream: { kind: "market_price", subject: { symbol: "DOWN-USD" } },
        field: "price",
        op: "gt",
        value: START,
      },
      fire: { mode: "edge" },
    });
    // The harness's own pages refuse every origin but the fabric's; this one talks to the proxy.
    context = await ui.browser.newContext();
    const page = await context.newPage();
    await signIn(page, proxy.base, "dev-admin-token");
    await openConsole(page, proxy.base, "#/monitors/down-live");
    const live = page.locator("h2 [data-live]");
    await page.locator("h2 [data-live=stream]").waitFor({ timeout: 20_000 });

    await proxy.down();
    await page.locator("h2 [data-live=reconnecting]").waitFor({ timeout: 20_000 });
    expect(await live.textContent()).toBe("(0; live: reconnecting…)");

    const cannotReach = `Cannot reach the fabric at ${proxy.base}: is it running?`;
    const alert = page.locator("[role=alert]");
    await route(page, "#/monitors");
    await alert.waitFor({ timeout: 20_000 });
    expect(await alert.textContent()).toContain(cannotReach);
    // The error alone: no empty table, no "No monitor matches." contradicting it.
    expect(await page.locator("table.monitors").count()).toBe(0);
    expect(await page.getByText("No monitor matches.").count()).toBe(0);
    await page.locator("h1 [data-live=reconnecting]").waitFor({ timeout: 20_000 });

    for (const [hash, loading] of [
      ["#/", "Loading stats…"],
      ["#/dead-letters", "Loading…"],
    ] as const) {
      await route(page, hash);
      await alert.waitFor({ timeout: 20_000 });
      expect(await alert.textContent(), hash).toContain(cannotReach);
      expect(await page.getByText(loading).count(), hash).toBe(0);
    }
    // No empty rate chart beside the overview's error (it would read as "no traffic").
    await route(page, "#/dead-letters");
    await page.locator("h1", { hasText: "Dead letters" }).waitFor({ timeout: 20_000 });
    await route(page, "#/");
    await page.locator("h1", { hasText: "Overview" }).waitFor({ timeout: 20_000 });
    await alert.waitFor({ timeout: 20_000 });
    expect(await page.locator("[data-chart=rates], .chart").count()).toBe(0);
    // A rebuild followed in this tab whose status cannot be read: no card with a "…" status.
    await page.evaluate(`sessionStorage.setItem("fabric-console.rebuilds", '["01DOWNREBUILD"]')`);
    await route(page, "#/rebuilds");
    await page.locator("h1", { hasText: "Rebuilds" }).waitFor({ timeout: 20_000 });
    await alert.waitFor({ timeout: 20_000 });
    expect(await alert.textContent()).toContain(cannotReach);
    expect(await page.locator("[data-rebuild]").count()).toBe(0);
    expect(await page.getByText("…", { exact: true }).count()).toBe(0);

    await route(page, "#/monitors");
    await alert.waitFor({ timeout: 20_000 });
    await proxy.up();
    // The stream reconnects by itself; the list, which failed, is read again when it does.
    await page.locator("h1 [data-live=stream]").waitFor({ timeout: 45_000 });
    await page.locator("tr[data-monitor=down-live]").waitFor({ timeout: 20_000 });
    expect(await alert.count()).toBe(0);
    expect(await page.locator("h1 [data-live]").textContent()).toBe("(live: stream)");
  }, 120_000);
});
