import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { axeViolations, serious, type Violation } from "./axe";
import { chartMarkers, laneTruths, openConsole, signIn } from "./console-pages";
import { ADMIN, deadLetterInto, MONITORS, putMonitor, seedConsole } from "./console-seed";
import { type BrowserHarness, startBrowserHarness } from "./harness";
import { announced, expectFocus, focusedName, focusRingShown, isFocused, tabTo } from "./keyboard";
import { type SwitchableProxy, startProxy } from "./switchable-proxy";

/**
 * The console as a keyboard-only and a screen-reader user meets it: axe-core on every page and
 * state the other browser tests reach (no serious or critical violation), then the keyboard alone
 * driving its actions (test-browser/keyboard.ts), with focus where a person expects it after each.
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

describe("the console by keyboard alone", () => {
  it("signs in, moves between pages and filters the monitors, focus following each step", async () => {
    const { base, newPage } = harness();
    const { page } = await newPage();
    await page.goto(`${base}/console/`);
    await expectFocus(page, "input[name=token]");
    await page.keyboard.type("dev-admin-token");
    await page.keyboard.press("Enter");
    await page.locator("h1", { hasText: "Overview" }).waitFor({ timeout: 15_000 });
    await expectFocus(page, "main h1");
    await tabTo(page, "nav a[href='#/monitors']", { backward: true });
    expect(await focusRingShown(page), "a visible focus ring on the nav link").toBe(true);
    await page.keyboard.press("Enter");
    await page.locator("h1", { hasText: "Monitors" }).waitFor();
    await expectFocus(page, "main h1");
    expect(await page.title()).toBe("Monitors · Fabric console");
    await expect(page.locator("nav a[aria-current=page]").textContent()).resolves.toBe("Monitors");

    await page.locator("tr[data-monitor=xss-case]").waitFor({ timeout: 20_000 });
    await tabTo(page, "input[name=ownerUserId]");
    await page.keyboard.type("u_console");
    await tabTo(page, "select[name=status]");
    await page.keyboard.type("a"); // type-ahead: "any status" → "active"
    await tabTo(page, "form.filters button[type=submit]");
    await page.keyboard.press("Space");
    await page.locator("tr[data-monitor=xss-case]").waitFor({ state: "detached", timeout: 20_000 });
    await announced(page, "2 monitors listed.");
    await expectFocus(page, "form.filters button[type=submit]");
    await tabTo(page, "input.search");
    await page.keyboard.type("band");
    await announced(page, "1 of 2 loaded monitors shown.");
    await tabTo(page, "a[href='#/monitors/btc-band']");
    await page.keyboard.press("Enter");
    await page.locator("h1 .badge").waitFor({ timeout: 15_000 });
    await expectFocus(page, "main h1.monitor-title");
  });

  it("walks the explain timeline with the arrow keys, one evaluation at a time", async () => {
    const { base, newPage } = harness();
    const res = await fetch(`${base}/v1/monitors/btc-band/explain`, {
      method: "POST",
      headers: { ...ADMIN, "content-type": "application/json" },
      body: JSON.stringify({ limit: 1000 }),
    });
    const rows = ((await res.json()) as { rows: { eventId: string }[] }).rows;
    const { page } = await newPage();
    await signIn(page, base, "dev-admin-token");
    await openConsole(page, base, "#/monitors/btc-band");
    await laneTruths(page);
    const slider = page.locator(".cells[role=slider]");
    await tabTo(page, ".cells[role=slider]");
    expect(await focusRingShown(page), "a visible focus ring on the timeline").toBe(true);
    const detail = page.locator(".explain-detail");
    for (const [key, index] of [
      ["End", rows.length - 1],
      ["ArrowLeft", rows.length - 2],
      ["Home", 0],
      ["ArrowRight", 1],
    ] as const) {
      await page.keyboard.press(key);
      await expect(slider.getAttribute("aria-valuenow"), key).resolves.toBe(String(index + 1));
      await expect(detail.getAttribute("data-event"), key).resolves.toBe(rows[index]?.eventId);
      await expect(slider.getAttribute("aria-valuetext")).resolves.toMatch(
        new RegExp(`^${index + 1} of ${rows.length}, `),
      );
    }
    await expectFocus(page, ".cells[role=slider]");
  });

  it("asks before a change, Escape takes the question back, and Yes deletes with focus on the list's heading", async () => {
    const { base, newPage } = harness();
    await putMonitor(base, "kbd-delete", MONITORS["btc-cross"]);
    const { page } = await newPage();
    await signIn(page, base, "dev-admin-token");
    await openConsole(page, base, "#/monitors/kbd-delete");
    await page.locator("[data-action=delete]").waitFor({ timeout: 15_000 });
    await tabTo(page, "[data-action=delete]");
    await page.keyboard.press("Enter");
    await page.locator("[role=alertdialog]", { hasText: "Delete monitor kbd-delete?" }).waitFor();
    await expectFocus(page, "[role=alertdialog] [data-action=cancel]");
    await page.keyboard.press("Escape");
    await page.locator("[role=alertdialog]").waitFor({ state: "detached" });
    await expectFocus(page, "[data-action=delete]");
    expect((await fetch(`${base}/v1/monitors/kbd-delete`, { headers: ADMIN })).status).toBe(200);

    await page.keyboard.press("Space");
    await expectFocus(page, "[role=alertdialog] [data-action=cancel]");
    await page.keyboard.press("Shift+Tab");
    await expectFocus(page, "[role=alertdialog] [data-action=confirm]");
    await page.keyboard.press("Enter");
    await page.locator("h1", { hasText: "Monitors" }).waitFor({ timeout: 15_000 });
    await expectFocus(page, "main h1");
    expect((await fetch(`${base}/v1/monitors/kbd-delete`, { headers: ADMIN })).status).toBe(404);
  });

  it("replays a dead letter and cancels a rebuild by keyboard, focus staying on the page", async () => {
    const { base, newPage, stateDir } = harness();
    if (!stateDir) throw new Error("the dead-letter case needs the harness's own fabric (unset BASE)");
    deadLetterInto(stateDir, "msg-a11y-kbd");
    const { page } = await newPage();
    await signIn(page, base, "dev-admin-token");
    await openConsole(page, base, "#/dead-letters");
    await page.locator("tr[data-dead-letter=msg-a11y-kbd]").waitFor({ timeout: 15_000 });
    await tabTo(page, "[aria-label='Replay msg-a11y-kbd']");
    await page.keyboard.press("Enter");
    await page.locator("tr[data-dead-letter=msg-a11y-kbd]").waitFor({ state: "detached", timeout: 15_000 });
    await expectFocus(page, "[data-queue=events] h2");
    await announced(page, "Replayed msg-a11y-kbd to queue events.");

    await openConsole(page, base, "#/rebuilds");
    await tabTo(page, "[data-action=rebuild]");
    await page.keyboard.press("Enter");
    await expectFocus(page, "[role=alertdialog] [data-action=cancel]");
    await page.keyboard.press("Escape");
    await page.locator("[role=alertdialog]").waitFor({ state: "detached" });
    await expectFocus(page, "[data-action=rebuild]");
  });

  it("has no keyboard trap: Tab goes through every control of a monitor page, each with a focus ring, and back round", async () => {
    const { base, newPage } = harness();
    const { page } = await newPage();
    await signIn(page, base, "dev-admin-token");
    await openConsole(page, base, "#/monitors/btc-band");
    await laneTruths(page);
    await page.locator("a.brand").focus();
    const stops: string[] = [];
    for (let i = 0; i < 120; i++) {
      await page.keyboard.press("Tab");
      if (await isFocused(page, "a.brand")) break;
      const name = await focusedName(page);
      if (name !== "body") expect(await focusRingShown(page), `focus ring on ${name}`).toBe(true);
      stops.push(name);
    }
    expect(await isFocused(page, "a.brand"), `back to the start after: ${stops.join(" | ")}`).toBe(true);
    for (const control of ["textarea", "preview", "delete", "slider"]) expect(stops.join(" | ")).toContain(control);
  });
});
