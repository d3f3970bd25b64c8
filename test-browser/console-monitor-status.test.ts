import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openConsole, signIn } from "./console-pages";
import { ADMIN, pushFacts, putMonitor, START } from "./console-seed";
import { type BrowserHarness, startBrowserHarness } from "./harness";

/**
 * A monitor's status in the console is the registry's (active, disabled, expired), not its
 * `enabled` flag: a `once` monitor that has fired, or an expired one, is stopped with enabled true.
 */
let ui: BrowserHarness | undefined;

beforeAll(async () => {
  ui = await startBrowserHarness();
}, 100_000);

afterAll(async () => {
  await ui?.close();
});

describe("a monitor's status in the console", () => {
  it("shows a once monitor that has fired by its status, not its enabled flag, on its page and in the list", async () => {
    if (!ui) throw new Error("no browser harness");
    const { base, newPage } = ui;
    const xrp = { kind: "market_price", subject: { symbol: "XRP-ONCE" } };
    const fact = (i: number, price: number) => ({
      ...xrp,
      observedAt: START + i * 60_000,
      dedupeKey: `once:${i}`,
      data: { price },
    });
    await putMonitor(base, "xrp-once", {
      workflowId: "wf_once",
      ownerUserId: "u_once",
      predicate: { stream: xrp, field: "price", op: "gt", value: 0.5 },
      fire: { mode: "edge", once: true },
    });
    await pushFacts(base, [fact(0, 0.4), fact(1, 0.6)]);
    let read: { status?: string; enabled?: boolean } = {};
    for (let i = 0; i < 100 && read.status !== "disabled"; i++) {
      await new Promise((r) => setTimeout(r, 200));
      read = (await (await fetch(`${base}/v1/monitors/xrp-once`, { headers: ADMIN })).json()) as typeof read;
    }
    expect(read).toMatchObject({ status: "disabled", enabled: true });
    const { page } = await newPage();
    await signIn(page, base, "dev-admin-token");
    await openConsole(page, base, "#/monitors/xrp-once");
    await expect(page.locator("h1 .badge").textContent()).resolves.toBe("disabled");
    await openConsole(page, base, "#/monitors");
    await page.locator("tr[data-monitor=xrp-once]").waitFor({ timeout: 20_000 });
    await expect(page.locator("tr[data-monitor=xrp-once] .badge").textContent()).resolves.toBe("disabled");
  });
});
