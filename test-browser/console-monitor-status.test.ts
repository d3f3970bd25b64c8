import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openConsole, signIn } from "./console-pages";
import { ADMIN, pushFacts, putMonitor, START } from "./console-seed";
import { type BrowserHarness, startBrowserHarness } from "./harness";

/**
 * A monitor's page says what the registry and explain say: its status is the registry's (active,
 * disabled, expired), not its `enabled` flag (a `once` monitor that has fired, or an expired one,
 * is stopped with enabled true), and explain's notes (why no row matched) are shown with its lanes.
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

  it("shows explain's notes: a monitor registered after its stream's facts was never evaluated at them", async () => {
    if (!ui) throw new Error("no browser harness");
    const { base, newPage } = ui;
    const sol = { kind: "market_price", subject: { symbol: "SOL-LATE" } };
    const facts = [0, 1, 2].map((i) => ({
      ...sol,
      observedAt: START + i * 60_000,
      dedupeKey: `late:${i}`,
      data: { price: 10 + i },
    }));
    await pushFacts(base, facts);
    // Registered once the shard holds them (a stream read sees the last one), so they are its history.
    for (let i = 0; i < 100; i++) {
      const read = await fetch(`${base}/v1/streams/market_price/facts?symbol=SOL-LATE`, { headers: ADMIN });
      if (((await read.json()) as { facts: unknown[] }).facts.length === 3) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    await putMonitor(base, "sol-late", {
      workflowId: "wf_late",
      ownerUserId: "u_late",
      predicate: { stream: sol, field: "price", op: "gt", value: 5 },
    });
    const { page } = await newPage();
    await signIn(page, base, "dev-admin-token");
    await openConsole(page, base, "#/monitors/sol-late");
    const note = page.locator("[data-explain-note]").first();
    await note.waitFor({ timeout: 20_000 });
    await expect(note.textContent()).resolves.toMatch(/registered after 3 stored fact/);
  });
});
