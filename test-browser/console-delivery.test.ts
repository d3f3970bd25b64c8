import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openConsole, signIn } from "./console-pages";
import { ADMIN, pushFacts, putMonitor, START } from "./console-seed";
import { type BrowserHarness, startBrowserHarness } from "./harness";

/**
 * The overview's "Match delivery" card: what the operator paged about a growing outbox reads first,
 * the counts from the fabric and the newest failure with its reason and what to do.
 */
let ui: BrowserHarness | undefined;

beforeAll(async () => {
  ui = await startBrowserHarness();
}, 100_000);

afterAll(async () => {
  await ui?.close();
});

function harness(): BrowserHarness {
  if (!ui) throw new Error("no browser harness");
  return ui;
}

type Delivery = { delivered: number; lastFailure: unknown };

describe("the overview's match delivery card", () => {
  it("shows the fabric's delivered count and that nothing failed", async () => {
    const { base, newPage } = harness();
    const ada = { kind: "market_price", subject: { symbol: "ADA-DLV" } };
    await putMonitor(base, "ada-dlv", {
      workflowId: "wf_dlv",
      ownerUserId: "u_dlv",
      predicate: { stream: ada, field: "price", op: "crosses_above", value: 1 },
      fire: { mode: "edge" },
    });
    await pushFacts(base, [
      { ...ada, observedAt: START, dedupeKey: "dlv:0", data: { price: 0.9 } },
      { ...ada, observedAt: START + 60_000, dedupeKey: "dlv:1", data: { price: 1.1 } },
    ]);
    let delivery: Delivery | undefined;
    for (let i = 0; i < 100 && !(delivery && delivery.delivered >= 1); i++) {
      await new Promise((r) => setTimeout(r, 200));
      delivery = ((await (await fetch(`${base}/v1/admin/stats`, { headers: ADMIN })).json()) as { delivery: Delivery })
        .delivery;
    }
    expect(delivery?.delivered).toBeGreaterThanOrEqual(1);
    const { page } = await newPage();
    await signIn(page, base, "dev-admin-token");
    await openConsole(page, base, "#/");
    const card = page.locator("[data-delivery]");
    await card.waitFor({ timeout: 20_000 });
    await expect(card.textContent()).resolves.toMatch(/[1-9][\d,]* delivered, 0 refused \(dropped\)/);
    await expect(page.locator("[data-note=failure]").textContent()).resolves.toContain("Last failure: none");
  });

  it("shows the newest failure's shard, status, reason and what to do", async () => {
    const { base, newPage } = harness();
    const { page } = await newPage();
    await signIn(page, base, "dev-admin-token");
    // The fabric's own answer, with the failure a revoked matcher token leaves (its shape: GET /v1/admin/stats).
    await page.route("**/v1/admin/stats", async (route) => {
      const body = (await (await route.fetch()).json()) as { delivery: Record<string, unknown> };
      body.delivery.lastFailure = {
        shard: 3,
        matchId: "m1~1~01ABC",
        status: 401,
        reason: "Missing or invalid token",
        at: Date.now() - 5_000,
        hint: "set the same ADMIN_AUTH_SECRET_TOKEN in both Workers",
      };
      // A delivery after it: the card says so, so an old failure is not read as an ongoing one.
      body.delivery.lastDeliveredAt = Date.now() - 1_000;
      await route.fulfill({ json: body });
    });
    await openConsole(page, base, "#/");
    const failure = page.locator("[data-note=failure]");
    await failure.waitFor({ timeout: 20_000 });
    const text = (await failure.textContent())?.replace(/\s+/g, " ");
    expect(text).toContain("shard 3, status 401");
    expect(text).toContain("m1~1~01ABC");
    expect(text).toContain("Missing or invalid token");
    expect(text).toContain("What to do: set the same ADMIN_AUTH_SECRET_TOKEN in both Workers");
    expect(text).toContain("matches delivered since");
    await expect(failure.getAttribute("data-past")).resolves.toBe("yes");
  });
});
