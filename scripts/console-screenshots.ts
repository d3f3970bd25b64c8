// `npm run screenshots`: the console's pages as a person sees them, written to docs/screenshots/
// (linked from the README). It starts its own local fabric (or uses BASE, e.g.
// BASE=http://127.0.0.1:8787, though then without the dead letter), seeds it as the browser
// tests do, and photographs each page on a laptop-sized window, and the monitor page on a phone.
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { chartMarkers, openConsole, signIn } from "../test-browser/console-pages";
import { deadLetterInto, prices, pushFacts, START, seedConsole } from "../test-browser/console-seed";
import { startBrowserHarness } from "../test-browser/harness";

const OUT = resolve("docs", "screenshots");
const LAPTOP = { width: 1280, height: 860 };
const PHONE = { width: 390, height: 844 };

const ui = await startBrowserHarness();
try {
  mkdirSync(OUT, { recursive: true });
  await seedConsole(ui.base);
  if (ui.stateDir) deadLetterInto(ui.stateDir, "msg-screenshot-1");
  const { page } = await ui.newPage();
  await page.setViewportSize(LAPTOP);
  const shot = async (name: string) => {
    await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true });
    console.log(`docs/screenshots/${name}.png`);
  };

  await page.goto(`${ui.base}/console/`);
  await page.locator("input[name=token]").waitFor();
  await shot("sign-in");
  await signIn(page, ui.base, "dev-admin-token");
  // A feed keeps pushing while the overview polls, so its rates chart has something to show.
  const sol = { kind: "market_price", subject: { symbol: "SOL-USD" } };
  for (let round = 0; round < 6; round++) {
    await pushFacts(
      ui.base,
      prices(200 * (round + 1), sol, 150)
        .slice(200 * round)
        .map((f) => ({ ...f, observedAt: f.observedAt - START + Date.now() })),
    );
    await page.waitForTimeout(3_000);
  }
  await shot("overview");
  await openConsole(page, ui.base, "#/monitors");
  await page.locator("table.monitors tbody tr").first().waitFor();
  await shot("monitors");
  await openConsole(page, ui.base, "#/monitors/btc-band");
  await chartMarkers(page);
  await page.locator(".chart[data-stream]").first().waitFor();
  await page.waitForTimeout(2_000);
  await shot("monitor");
  await openConsole(page, ui.base, "#/streams");
  await page.locator("table.streams tbody tr").first().waitFor();
  await shot("streams");
  await openConsole(page, ui.base, `#/streams/${encodeURIComponent("market_price:BTC-USD")}`);
  await page.locator('.chart[data-stream="market_price:BTC-USD"]').waitFor();
  await page.waitForTimeout(2_000);
  await shot("stream");
  await openConsole(page, ui.base, "#/dead-letters");
  await page.locator("[data-queue=events]").waitFor();
  await page.waitForTimeout(1_000);
  await shot("dead-letters");
  await openConsole(page, ui.base, "#/rebuilds");
  await page.locator("[data-action=rebuild]").click();
  await page.locator("[data-action=confirm]").click();
  await page.locator("[data-rebuild] .badge.complete").waitFor({ timeout: 30_000 });
  await shot("rebuilds");
  await page.setViewportSize(PHONE);
  await openConsole(page, ui.base, "#/monitors/btc-cross");
  await page.locator(".chart[data-stream]").first().waitFor();
  await page.waitForTimeout(2_000);
  await shot("monitor-phone");
} finally {
  await ui.close();
}
