import { spawnSync } from "node:child_process";
import type { Route } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openConsole, signIn } from "./console-pages";
import { ADMIN, matchesOf, pushFacts, putMonitor, START } from "./console-seed";
import { type BrowserHarness, startBrowserHarness } from "./harness";

/**
 * The console at a big deployment's scale, each behaviour seeded only as large as it needs:
 * a monitor page under a stream of live matches keeps a bounded table; a slow answer never
 * replaces a newer one; a slow fabric is never asked twice at once. (The figures at full size:
 * load-tests/console-scale/.)
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

const stream = (symbol: string) => ({ kind: "market_price", subject: { symbol } });
const delayed = (ms: number) => async (route: Route) => {
  await new Promise((r) => setTimeout(r, ms));
  await route.continue().catch(() => {});
};

describe("the console at scale", () => {
  it("lists only the newest 100 of a monitor's live matches, newest first, and counts them all", async () => {
    const { base, newPage } = harness();
    const hot = stream("HOT-LIVE");
    await putMonitor(base, "hot-level", {
      workflowId: "wf_hot",
      ownerUserId: "u_hot",
      predicate: { stream: hot, field: "price", op: "gt", value: 0 },
      fire: { mode: "level" },
    });
    const { page, errors } = await newPage();
    await signIn(page, base, "dev-admin-token");
    await openConsole(page, base, "#/monitors/hot-level");
    await page.getByText("(0; live: stream)").waitFor({ timeout: 20_000 });
    const facts = Array.from({ length: 250 }, (_, i) => ({
      ...hot,
      observedAt: START + i * 1000,
      dedupeKey: `hot:${i}`,
      data: { price: 10 + (i % 5) },
    }));
    await pushFacts(base, facts);
    await page.getByText("(250; live: stream)").waitFor({ timeout: 60_000 });
    const shown = await page.locator("table.matches tbody tr td:nth-child(2)").allTextContents();
    const newest = (await matchesOf(base, "hot-level")).slice(-100).reverse();
    expect(shown).toEqual(newest.map((m) => m.matchId));
    await expect(page.locator(".chart[data-markers='250']").count()).resolves.toBe(1);
    expect(errors).toEqual([]);
  });

  it("keeps the list of the newest filter when an older filter's answer comes later", async () => {
    const { base, newPage } = harness();
    for (const owner of ["u_slow", "u_fast"])
      await putMonitor(base, `owner-${owner}`, {
        workflowId: `wf_${owner}`,
        ownerUserId: owner,
        predicate: { stream: stream("OWN-USD"), field: "price", op: "gt", value: 1 },
        fire: { mode: "edge" },
      });
    const { page } = await newPage();
    await signIn(page, base, "dev-admin-token");
    await openConsole(page, base, "#/monitors");
    await page.locator("tr[data-monitor]").first().waitFor({ timeout: 20_000 });
    await page.route(
      (url) => url.pathname === "/v1/monitors" && url.searchParams.get("ownerUserId") === "u_slow",
      delayed(2_000),
    );
    const filterBy = async (owner: string) => {
      await page.locator("input[name=ownerUserId]").fill(owner);
      await page.locator("form.filters button[type=submit]").click();
    };
    await filterBy("u_slow");
    await filterBy("u_fast");
    await page.locator("tr[data-monitor=owner-u_fast]").waitFor({ timeout: 20_000 });
    // The slow answer to u_slow arrives meanwhile; the list must still be u_fast's.
    await page.waitForTimeout(3_000);
    const rows = await page
      .locator("tr[data-monitor]")
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-monitor")));
    expect(rows).toEqual(["owner-u_fast"]);
    await expect(page.locator("input[name=ownerUserId]").inputValue()).resolves.toBe("u_fast");
  });

  it("asks a slow fabric for its stats one read at a time", async () => {
    const { base, newPage } = harness();
    const { page } = await newPage();
    await signIn(page, base, "dev-admin-token");
    let inFlight = 0;
    let most = 0;
    await page.route("**/v1/admin/stats", async (route) => {
      most = Math.max(most, ++inFlight);
      await new Promise((r) => setTimeout(r, 4_000));
      await route.continue().catch(() => {});
      inFlight--;
    });
    await openConsole(page, base, "#/");
    await page.locator(".tile").first().waitFor({ timeout: 20_000 });
    await page.waitForTimeout(7_000);
    expect(most).toBe(1);
  });

  it("charts the newest facts of a stream longer than the chart holds, and says so", async () => {
    const { base, newPage } = harness();
    const long = stream("LONG-USD");
    const n = 20_500;
    const facts = Array.from({ length: n }, (_, i) => ({
      ...long,
      observedAt: START + i * 1000,
      dedupeKey: `long:${i}`,
      data: { price: 100 + (i % 50) },
    }));
    await pushFacts(base, facts);
    await putMonitor(base, "long-chart", {
      workflowId: "wf_long",
      ownerUserId: "u_long",
      predicate: { stream: long, field: "price", op: "gt", value: 1_000 },
      fire: { mode: "edge" },
    });
    const { page } = await newPage();
    await signIn(page, base, "dev-admin-token");
    await openConsole(page, base, "#/monitors/long-chart");
    const chart = page.locator(".chart[data-stream='market_price:LONG-USD']");
    await page.locator(".chart[data-truncated=true][data-points='20000']").waitFor({ timeout: 60_000 });
    await expect(chart.getAttribute("data-last-observed-at")).resolves.toBe(String(START + (n - 1) * 1000));
    await page.getByText("(the newest 20,000 facts)").waitFor();
  });

  it("reads listed monitors that keep matching in batches, not once per match", async () => {
    const { base, newPage } = harness();
    const busy = stream("BUSY-USD");
    for (let i = 0; i < 4; i++)
      await putMonitor(base, `0-busy-${i}`, {
        workflowId: "wf_busy",
        ownerUserId: "u_busy",
        predicate: { stream: busy, field: "price", op: "gt", value: 0 },
        fire: { mode: "level" },
      });
    const { page, requests } = await newPage();
    await signIn(page, base, "dev-admin-token");
    await openConsole(page, base, "#/monitors");
    await page.locator("[data-live=stream]").waitFor({ timeout: 20_000 });
    await page.locator("tr[data-monitor='0-busy-3']").waitFor({ timeout: 20_000 });
    const before = requests.length;
    const started = Date.now();
    // 60 facts over ~6 s: each listed monitor matches ~10 times a second.
    for (let b = 0; b < 12; b++) {
      await pushFacts(
        base,
        Array.from({ length: 5 }, (_, i) => ({
          ...busy,
          observedAt: START + (b * 5 + i) * 1000,
          dedupeKey: `busy:${b}:${i}`,
          data: { price: 1 },
        })),
      );
      await page.waitForTimeout(500);
    }
    const cell = (i: number) => page.locator(`tr[data-monitor='0-busy-${i}'] td:nth-child(6)`, { hasText: /^60$/ });
    for (let i = 0; i < 4; i++) await cell(i).waitFor({ timeout: 30_000 });
    const reads = requests.slice(before).filter((u) => /\/v1\/monitors\/0-busy-\d$/.test(new URL(u).pathname));
    // One batch of (at most) the four every 2 s, plus the last one after the trickle.
    const seconds = (Date.now() - started) / 1000;
    expect(reads.length).toBeLessThanOrEqual(4 * (Math.ceil(seconds / 2) + 1));
  });

  it("opens a monitor with more matches than the page holds at its newest ones", async () => {
    const { base, newPage } = harness();
    const busy = stream("MANY-MATCHES");
    await putMonitor(base, "many-matches", {
      workflowId: "wf_many",
      ownerUserId: "u_many",
      predicate: { stream: busy, field: "price", op: "gt", value: 0 },
      fire: { mode: "level" },
    });
    const n = 5_100;
    await pushFacts(
      base,
      Array.from({ length: n }, (_, i) => ({
        ...busy,
        observedAt: START + i * 1000,
        dedupeKey: `many:${i}`,
        data: { price: 1 + (i % 3) },
      })),
    );
    const newest = async () => {
      const res = await fetch(`${base}/v1/monitors/many-matches/matches?order=desc&limit=1`, { headers: ADMIN });
      return ((await res.json()) as { matches: { matchId: string; observedAt: number }[] }).matches[0];
    };
    const until = Date.now() + 60_000;
    while ((await newest())?.observedAt !== START + (n - 1) * 1000) {
      if (Date.now() > until) throw new Error("the matches were never all recorded");
      await new Promise((r) => setTimeout(r, 500));
    }
    const { page } = await newPage();
    await signIn(page, base, "dev-admin-token");
    await openConsole(page, base, "#/monitors/many-matches");
    await page.locator(".chart[data-markers='5000']").waitFor({ timeout: 60_000 });
    const first = await page.locator("table.matches tbody tr td:nth-child(2)").first().textContent();
    expect(first).toBe((await newest())?.matchId);
  });

  it("pages an outage's dead letters oldest first with Load more, and a replay keeps the pages loaded", async () => {
    const { base, stateDir, newPage } = harness();
    if (!stateDir) return expect.fail("needs the fabric's state folder (not BASE)");
    const n = 450;
    const sql = `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${n}) INSERT OR IGNORE INTO dead_letters (id, source_queue, reason, attempts, body, failed_at) SELECT 'scale-' || i, 'facts', 'shard unavailable after 5 retries', 6, '[]', ${START} + i FROM n`;
    const args = [
      "wrangler",
      "d1",
      "execute",
      "DB",
      "--local",
      "--persist-to",
      stateDir,
      "-c",
      "monitor-runtime/wrangler.jsonc",
    ];
    const r = spawnSync("npx", [...args, "--command", sql], {
      encoding: "utf8",
      env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" },
    });
    expect(r.status, r.stderr).toBe(0);
    const { page, errors } = await newPage();
    await signIn(page, base, "dev-admin-token");
    await openConsole(page, base, "#/dead-letters");
    const facts = page.locator("section[data-queue=facts]");
    const ids = () =>
      facts.locator("tr[data-dead-letter]").evaluateAll((rows) => rows.map((t) => t.getAttribute("data-dead-letter")));
    const seeded = Array.from({ length: n }, (_, i) => `scale-${i + 1}`);

    await facts.locator("h2", { hasText: "(200+)" }).waitFor({ timeout: 20_000 });
    expect(await ids()).toEqual(seeded.slice(0, 200));
    await facts.locator("[data-action=load-more]").click();
    await facts.locator("h2", { hasText: "(400+)" }).waitFor({ timeout: 20_000 });
    await facts.locator("[data-action=load-more]").click();
    await facts.locator("h2", { hasText: `(${n})` }).waitFor({ timeout: 20_000 });
    expect(await ids()).toEqual(seeded);
    await expect(facts.locator("[data-action=load-more]").count()).resolves.toBe(0);

    // Replayed, the oldest leaves the list of those waiting; the three pages read stay listed.
    await facts.locator("tr[data-dead-letter='scale-1'] [data-action=replay]").click();
    await facts.locator("h2", { hasText: `(${n - 1})` }).waitFor({ timeout: 20_000 });
    expect(await ids()).toEqual(seeded.slice(1));
    expect(errors).toEqual([]);
  });
});
