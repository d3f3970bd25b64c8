import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { axeViolations, serious } from "./axe";
import { openConsole, signIn } from "./console-pages";
import { ADMIN, pushFacts, START, seedConsole } from "./console-seed";
import { type BrowserHarness, startBrowserHarness } from "./harness";
import { announced, expectFocus } from "./keyboard";

/**
 * The console's Streams page and a stream's own page, against the real local fabric: the list as
 * GET /v1/streams gives it (facts, span, monitors), its kind and text filters, "Load more", and a
 * stream's chart and the monitors reading it; axe-core finds no serious violation in any state.
 */
let ui: BrowserHarness | undefined;

beforeAll(async () => {
  ui = await startBrowserHarness();
  await seedConsole(ui.base);
  // A producer's typo beside BTC-USD, and more streams than one page holds.
  const fact = (symbol: string, i: number) => ({
    kind: "market_price",
    subject: { symbol },
    observedAt: START + i * 60_000,
    dedupeKey: `${symbol}:${i}`,
    data: { price: 100 + i },
  });
  await pushFacts(ui.base, [
    fact("BTCUSD", 0),
    fact("BTCUSD", 1),
    ...Array.from({ length: 105 }, (_, i) => fact(`LM-${String(i).padStart(3, "0")}`, 0)),
  ]);
  // Pushed facts reach the shards through Queue "facts": wait until all 105 are listed.
  for (let listed = 0, i = 0; listed < 105 && i < 100; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, 200));
    const res = await fetch(`${ui.base}/v1/streams?q=lm-&limit=500`, { headers: ADMIN });
    listed = ((await res.json()) as { streams: unknown[] }).streams.length;
  }
}, 100_000);

afterAll(async () => {
  await ui?.close();
});

function harness(): BrowserHarness {
  if (!ui) throw new Error("no browser harness");
  return ui;
}

async function audit(page: Page, state: string): Promise<void> {
  expect(serious(await axeViolations(page)), state).toEqual([]);
}

const row = (page: Page, key: string) => page.locator(`tr[data-stream="${key}"]`);
const cells = async (page: Page, key: string) =>
  (await row(page, key).locator("td").allTextContents()).map((t) => t.trim());

/** Waits until the listed streams are those a fact push left, however long the queue took. */
async function listedOnceApplied(page: Page, base: string, key: string, facts: string): Promise<void> {
  for (let i = 0; i < 40; i++) {
    await row(page, key).waitFor({ timeout: 20_000 });
    if ((await cells(page, key))[2] === facts) return;
    await page.waitForTimeout(500);
    await openConsole(page, base, "#/streams");
  }
}

describe("the console's Streams page", () => {
  it("lists the streams with facts, span and monitors, filters them by kind and text, and loads more", async () => {
    const { base, newPage } = harness();
    const { page, errors } = await newPage();
    await signIn(page, base, "dev-admin-token");
    await page.locator("nav a", { hasText: "Streams" }).click();
    await expectFocus(page, "main h1");
    expect(await page.title()).toBe("Streams · Fabric console");
    await listedOnceApplied(page, base, "market_price:BTC-USD", "120");
    const btc = await cells(page, "market_price:BTC-USD");
    expect(btc).toEqual([
      "market_price:BTC-USD",
      "market_price",
      "120",
      "2026-11-20 00:00:00Z",
      "2026-11-20 01:59:00Z",
      "2",
    ]);
    expect((await cells(page, "market_price:ETH-USD"))[5]).toBe("2");
    await expect(page.locator("table.streams tbody tr").count()).resolves.toBe(100);
    await audit(page, "streams");

    await page.locator("input[name=q]").fill("BTC");
    await page.locator("form.filters button[type=submit]").click();
    await announced(page, "2 streams listed.");
    const keys = await page
      .locator("table.streams tbody tr")
      .evaluateAll((rs) => rs.map((r) => r.getAttribute("data-stream")));
    expect(keys).toEqual(["market_price:BTC-USD", "market_price:BTCUSD"]);

    await page.locator("select[name=kind]").selectOption("market_candles");
    await page.locator("form.filters button[type=submit]").click();
    await page.locator("[data-empty]", { hasText: "No stream matches." }).waitFor({ timeout: 15_000 });
    await audit(page, "streams, nothing matches");

    await page.locator("select[name=kind]").selectOption("market_price");
    await page.locator("input[name=q]").fill("lm-");
    await page.locator("form.filters button[type=submit]").click();
    await announced(page, "100 streams listed, more to load.");
    await page.getByRole("button", { name: "Load more streams" }).click();
    await announced(page, "105 streams listed.");
    await expectFocus(page, "table.streams tbody tr:nth-child(101) a");
    expect(errors).toEqual([]);
  });

  it("shows a stream's chart and the monitors reading it, each linked to its page", async () => {
    const { base, newPage } = harness();
    const { page, errors } = await newPage();
    await signIn(page, base, "dev-admin-token");
    await openConsole(page, base, "#/streams");
    await row(page, "market_price:BTC-USD").locator("a").click();
    await expectFocus(page, "main h1");
    expect(await page.title()).toBe("Stream market_price:BTC-USD · Fabric console");
    await expect(page.locator("[data-field=symbol]").textContent()).resolves.toBe("BTC-USD");
    await expect(page.locator("[data-field=facts]").textContent()).resolves.toBe("120 stored");
    await page.locator('.chart[data-stream="market_price:BTC-USD"][data-points="120"]').waitFor({ timeout: 20_000 });
    const monitors = await page
      .locator("[data-monitors] li")
      .evaluateAll((ls) => ls.map((l) => l.getAttribute("data-monitor")));
    expect(monitors).toEqual(["btc-band", "btc-cross"]);
    await audit(page, "stream");
    await page.locator("[data-monitors] a", { hasText: "btc-cross" }).click();
    await page.locator("h1.monitor-title", { hasText: "btc-cross" }).waitFor();
    expect(errors).toEqual([]);
  });

  it("says so when the fabric holds no fact of a stream, and points to the list", async () => {
    const { base, newPage } = harness();
    const { page } = await newPage();
    await signIn(page, base, "dev-read-token-local");
    await openConsole(page, base, `#/streams/${encodeURIComponent("market_price:BTC-USDT")}`);
    await page
      .locator("[data-empty]", { hasText: "holds no fact of market_price:BTC-USDT" })
      .waitFor({ timeout: 15_000 });
    await audit(page, "stream with no facts");
  });
});
