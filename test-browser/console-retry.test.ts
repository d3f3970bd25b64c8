import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { axeViolations, serious } from "./axe";
import { openConsole, signIn } from "./console-pages";
import { type BrowserHarness, startBrowserHarness } from "./harness";
import { announced } from "./keyboard";

/**
 * The Match delivery card's "Retry now" (POST /v1/admin/deliveries/retry): offered to a token that
 * may write when matches wait or a delivery failed, answered in the card and to a screen reader,
 * and never offered to a read-only token. Beside it, the Queues card's projector line: a projector
 * failing every batch is said there, with its error, since lag and "last batch" would only grow old.
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

/** The fabric's own stats, with the backlog and failure a revoked matcher token leaves. */
async function withBacklog(page: Page): Promise<void> {
  await page.route("**/v1/admin/stats", async (route) => {
    const body = (await (await route.fetch()).json()) as {
      totals: Record<string, unknown>;
      delivery: Record<string, unknown>;
    };
    body.totals.outboxBacklog = 42;
    body.delivery.lastFailure = {
      shard: 1,
      matchId: "m1~1~01ABC",
      status: 401,
      reason: "Missing or invalid token",
      at: Date.now() - 5_000,
      hint: "set the same ADMIN_AUTH_SECRET_TOKEN in both Workers",
    };
    await route.fulfill({ json: body });
  });
}

const button = (page: Page) => page.getByRole("button", { name: "Retry now" });

describe("the match delivery card's Retry now", () => {
  it("is offered with a backlog, asks the fabric, says what it did and passes the axe audit", async () => {
    const { base, newPage } = harness();
    const { page } = await newPage();
    await signIn(page, base, "dev-admin-token");
    await withBacklog(page);
    const posts: string[] = [];
    await page.route("**/v1/admin/deliveries/retry", async (route) => {
      posts.push(route.request().method());
      await route.fulfill({
        status: 202,
        json: {
          madeDue: 42,
          undelivered: 42,
          shards: [
            { shard: 0, madeDue: 0, undelivered: 0 },
            { shard: 1, madeDue: 40, undelivered: 40 },
            { shard: 2, madeDue: 2, undelivered: 2 },
          ],
        },
      });
    });
    await openConsole(page, base, "#/");
    await button(page).waitFor({ timeout: 20_000 });
    expect(serious(await axeViolations(page))).toEqual([]);
    await button(page).click();
    const done = "Made 42 undelivered matches due now on 2 shards; delivering.";
    await page.locator("[data-retry] .notice", { hasText: done }).waitFor({ timeout: 10_000 });
    await announced(page, done);
    expect(posts).toEqual(["POST"]);
  });

  it("reaches the fabric's retry route, which answers that nothing waits on an idle fabric", async () => {
    const { base, newPage } = harness();
    const { page } = await newPage();
    await signIn(page, base, "dev-admin-token");
    await withBacklog(page);
    await openConsole(page, base, "#/");
    await button(page).click({ timeout: 20_000 });
    await page
      .locator("[data-retry] .notice", { hasText: "Nothing to retry: no match waits for delivery." })
      .waitFor({ timeout: 10_000 });
  });

  it("is not offered to a read-only token, nor when nothing waits and nothing failed", async () => {
    const { base, newPage } = harness();
    const reader = (await newPage()).page;
    await signIn(reader, base, "dev-read-token-local");
    await withBacklog(reader);
    await openConsole(reader, base, "#/");
    await reader.locator("[data-note=failure]", { hasText: "status 401" }).waitFor({ timeout: 20_000 });
    expect(await button(reader).count()).toBe(0);

    const writer = (await newPage()).page;
    await signIn(writer, base, "dev-admin-token");
    await openConsole(writer, base, "#/");
    await writer.locator("[data-delivery]").waitFor({ timeout: 20_000 });
    expect(await button(writer).count()).toBe(0);
  });
});

describe("the Queues card's projector line", () => {
  it("says the projector is failing, for how long, its last error and attempt, and what to do", async () => {
    const { base, newPage } = harness();
    const { page } = await newPage();
    await signIn(page, base, "dev-read-token-local");
    await page.route("**/v1/admin/stats", async (route) => {
      const body = (await (await route.fetch()).json()) as Record<string, unknown>;
      body.projector = {
        failingSince: Date.now() - 180_000,
        failedBatches: 12,
        lastFailure: {
          at: Date.now() - 2_000,
          error: "Error: D1_ERROR: no such table: monitor_state",
          attempts: 5,
          hint: "fix what the error names",
        },
      };
      await route.fulfill({ json: body });
    });
    await openConsole(page, base, "#/");
    const failing = page.locator("[data-projector=failing]");
    await failing.waitFor({ timeout: 20_000 });
    const text = (await failing.textContent())?.replace(/\s+/g, " ");
    expect(text).toMatch(
      /Projector failing for 3\.\d min: 12 failed batches; last, attempt 5: Error: D1_ERROR: no such table: monitor_state/,
    );
    expect(text).toContain("What to do: fix what the error names");
  });

  it("says no batch has failed on a healthy fabric", async () => {
    const { base, newPage } = harness();
    const { page } = await newPage();
    await signIn(page, base, "dev-read-token-local");
    await openConsole(page, base, "#/");
    await page
      .locator("[data-projector=ok]", { hasText: "Projector: no batch has failed." })
      .waitFor({ timeout: 20_000 });
  });
});
