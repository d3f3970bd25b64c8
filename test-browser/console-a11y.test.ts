import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { axeViolations, serious, type Violation } from "./axe";
import { chartMarkers, laneTruths, openConsole, signIn } from "./console-pages";
import { deadLetterInto, seedConsole } from "./console-seed";
import { type BrowserHarness, startBrowserHarness } from "./harness";
import { type SwitchableProxy, startProxy } from "./switchable-proxy";

/**
 * The console as a keyboard-only and a screen-reader user meets it: axe-core on every page and
 * state the other browser tests reach (no serious or critical violation), then the keyboard alone
 * driving its actions (test-browser/console-keyboard.test.ts).
 */
let ui: BrowserHarness | undefined;
let proxy: SwitchableProxy | undefined;

beforeAll(async () => {
  ui = await startBrowserHarness();
  await seedConsole(ui.base);
  proxy = await startProxy(Number(new URL(ui.base).port));
}, 100_000);

afterAll(async () => {
  await proxy?.close();
  await ui?.close();
});

function harness(): BrowserHarness {
  if (!ui) throw new Error("no browser harness");
  return ui;
}

/** Every state's violations, printed by rule (all impacts), so a run shows what is left below serious. */
const found: Record<string, Violation[]> = {};

async function audit(page: Page, state: string): Promise<void> {
  const violations = await axeViolations(page);
  found[state] = violations;
  expect(serious(violations), state).toEqual([]);
}

afterAll(() => {
  const byRule = new Map<string, { impact: string; count: number; states: string[] }>();
  for (const [state, list] of Object.entries(found))
    for (const v of list) {
      const row = byRule.get(v.rule) ?? { impact: v.impact ?? "?", count: 0, states: [] };
      row.count += v.targets.length;
      row.states.push(state);
      byRule.set(v.rule, row);
    }
  const lines = [...byRule].map(
    ([rule, r]) => `  ${rule} (${r.impact}): ${r.count} elements in ${r.states.join(", ")}`,
  );
  console.log(`axe over ${Object.keys(found).length} console states:\n${lines.join("\n") || "  no violation"}`);
});

describe("axe-core on every console page", () => {
  it("finds no serious or critical violation on the sign-in prompt, the overview and the monitors list", async () => {
    const { base, newPage } = harness();
    const { page } = await newPage();
    await page.goto(`${base}/console/`);
    await page.locator("input[name=token]").waitFor();
    await audit(page, "sign-in");
    await signIn(page, base, "dev-admin-token");
    await page.locator("[data-chart=rates]").waitFor({ timeout: 20_000 });
    await page.locator("table.shards tbody tr").first().waitFor();
    await audit(page, "overview");
    // The second stats reading gives the rates chart its first point, and its text alternative a table.
    await page.locator("[data-chart=rates] details.chart-table summary").click({ timeout: 20_000 });
    await page.locator("[data-chart=rates] details.chart-table tbody tr").first().waitFor();
    await audit(page, "overview, rates table open");
    await openConsole(page, base, "#/monitors");
    await page.locator("tr[data-monitor=btc-band]").waitFor({ timeout: 20_000 });
    await audit(page, "monitors");
    await page.locator("select[name=status]").selectOption("active");
    await page.locator("input[name=ownerUserId]").fill("u_console");
    await page.locator("form.filters button[type=submit]").click();
    await page.locator("tr[data-monitor=xss-case]").waitFor({ state: "detached", timeout: 20_000 });
    await page.locator(".search").fill("band");
    await audit(page, "monitors, filtered and searched");
  });

  it("finds none on a monitor page with charts, matches, explain, a preview and a confirmation open", async () => {
    const { base, newPage } = harness();
    const { page } = await newPage();
    await signIn(page, base, "dev-admin-token");
    await openConsole(page, base, "#/monitors/btc-band");
    await chartMarkers(page);
    await laneTruths(page);
    await page.locator("table.matches tbody tr").first().waitFor();
    await page.locator(".lane.decision .cell").nth(3).click();
    await page.locator(".explain-detail").waitFor();
    await page.locator("details.chart-table summary").first().click();
    await page.locator("details.chart-table tbody tr").first().waitFor();
    await audit(page, "monitor");
    await page.locator("[data-action=preview]").click();
    await page.locator("[data-preview-note]").filter({ hasText: "Would have fired" }).waitFor({ timeout: 20_000 });
    await audit(page, "monitor, previewed");
    await page.locator("[data-action=delete]").click();
    await page.locator("[data-action=confirm]").waitFor();
    await audit(page, "monitor, confirming a delete");
    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator("[data-action=cancel]").click();
    await audit(page, "monitor, on a phone");
  });

  it("finds none on the dead letters and the rebuilds pages", async () => {
    const { base, newPage, stateDir } = harness();
    if (!stateDir) throw new Error("the dead-letter case needs the harness's own fabric (unset BASE)");
    deadLetterInto(stateDir, "msg-a11y-1");
    const { page } = await newPage();
    await signIn(page, base, "dev-admin-token");
    await openConsole(page, base, "#/dead-letters");
    await page.locator("tr[data-dead-letter=msg-a11y-1]").waitFor({ timeout: 15_000 });
    await audit(page, "dead letters");
    await openConsole(page, base, "#/rebuilds");
    await page.locator("[data-action=rebuild]").click();
    await page.locator("[data-action=confirm]").waitFor();
    await audit(page, "rebuilds, confirming");
    await page.locator("[data-action=confirm]").click();
    await page.locator("[data-rebuild] .badge.complete").waitFor({ timeout: 30_000 });
    await audit(page, "rebuilds, one complete");
  });

  it("finds none while the fabric is down", async () => {
    const { browser } = harness();
    if (!proxy) throw new Error("no proxy");
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await signIn(page, proxy.base, "dev-admin-token");
      await openConsole(page, proxy.base, "#/monitors/btc-cross");
      await page.locator("h2 [data-live=stream]").waitFor({ timeout: 20_000 });
      await proxy.down();
      await page.locator("h2 [data-live=reconnecting]").waitFor({ timeout: 20_000 });
      await audit(page, "monitor, fabric down");
      await page.evaluate(`location.hash = "#/monitors"`);
      await page.locator("[role=alert]").waitFor({ timeout: 20_000 });
      await audit(page, "monitors, fabric down");
      await page.evaluate(`location.hash = "#/"`);
      await page.locator("h1", { hasText: "Overview" }).waitFor();
      await page.locator("[role=alert]").waitFor({ timeout: 20_000 });
      await audit(page, "overview, fabric down");
    } finally {
      await proxy.up();
      await context.close();
    }
  }, 90_000);
});
