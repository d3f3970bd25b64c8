import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ExplainPage } from "../shared/src/contract/explain";
import { monitorPageRenderMs } from "./console-figure";
import { chartMarkers, laneTruths, openConsole, signIn } from "./console-pages";
import {
  ADMIN,
  backtestOf,
  deadLetterInto,
  matchesOf,
  pushFacts,
  putMonitor,
  READ,
  START,
  seedConsole,
  XSS,
} from "./console-seed";
import { type BrowserHarness, startBrowserHarness } from "./harness";

/**
 * The console (`/console`) in a real browser against a local fabric this file seeds itself
 * (test-browser/console-seed.ts): what it draws is checked against what the API answers.
 */
let ui: BrowserHarness | undefined;

beforeAll(async () => {
  ui = await startBrowserHarness();
  await seedConsole(ui.base);
}, 100_000);

afterAll(async () => {
  await ui?.close();
});

function harness(): BrowserHarness {
  if (!ui) throw new Error("no browser harness");
  return ui;
}

/** Page errors, without the browser's line for a 4xx a test causes on purpose. */
const realErrors = (errors: string[]) => errors.filter((e) => !e.includes("Failed to load resource"));

async function explainRows(base: string, monitorId: string) {
  const rows: ExplainPage["rows"] = [];
  let cursor: string | null = null;
  do {
    const res = await fetch(`${base}/v1/monitors/${monitorId}/explain`, {
      method: "POST",
      headers: { ...ADMIN, "content-type": "application/json" },
      body: JSON.stringify({ limit: 1000, ...(cursor ? { cursor } : {}) }),
    });
    expect(res.status, "POST /v1/monitors/{id}/explain").toBe(200);
    const page = (await res.json()) as ExplainPage;
    rows.push(...page.rows);
    cursor = page.nextCursor;
  } while (cursor);
  return rows;
}

describe("the console in a real browser", () => {
  it("draws a marker on the stream charts for every match the API lists", async () => {
    const { base, newPage } = harness();
    const { page, errors, offOrigin } = await newPage();
    await signIn(page, base, "dev-admin-token");
    for (const id of ["btc-cross", "btc-band"]) {
      const matches = await matchesOf(base, id);
      expect(matches.length, `${id} has matches to draw`).toBeGreaterThan(0);
      await openConsole(page, base, `#/monitors/${id}`);
      const counts = await chartMarkers(page, matches.length);
      expect(counts.length, `${id}: one chart per stream`).toBe(id === "btc-band" ? 2 : 1);
      expect(
        counts.reduce((a, b) => a + b, 0),
        `${id}: markers`,
      ).toBe(matches.length);
      await expect(page.locator("table.matches tbody tr").count()).resolves.toBe(matches.length);
    }
    expect(offOrigin()).toEqual([]);
    expect(realErrors(errors)).toEqual([]);
  });

  it("adds a match to an open monitor page as the fabric records it (the live stream)", async () => {
    const { base, newPage } = harness();
    const sol = { kind: "market_price", subject: { symbol: "SOL-LIVE" } };
    const fact = (i: number, price: number) => ({
      ...sol,
      observedAt: START + i * 60_000,
      dedupeKey: `live:${i}`,
      data: { price },
    });
    await pushFacts(base, [fact(0, 90)]);
    await putMonitor(base, "sol-live", {
      workflowId: "wf_live",
      ownerUserId: "u_console",
      predicate: { stream: sol, field: "price", op: "crosses_above", value: 100 },
      fire: { mode: "edge" },
    });
    const { page } = await newPage();
    await signIn(page, base, "dev-admin-token");
    await openConsole(page, base, "#/monitors/sol-live");
    await page.getByText("(0; live: stream)").waitFor({ timeout: 20_000 });
    await pushFacts(base, [fact(1, 110), fact(2, 95), fact(3, 120)]);
    await page.getByText("(2; live: stream)").waitFor({ timeout: 20_000 });
    const shown = await page.locator("table.matches tbody tr td:nth-child(2)").allTextContents();
    expect(shown.sort()).toEqual((await matchesOf(base, "sol-live")).map((m) => m.matchId).sort());
  });

  it("reads a listed monitor again when it matches while the list is open", async () => {
    const { base, newPage } = harness();
    const ada = { kind: "market_price", subject: { symbol: "ADA-LIST" } };
    const fact = (i: number, price: number) => ({
      ...ada,
      observedAt: START + i * 60_000,
      dedupeKey: `list:${i}`,
      data: { price },
    });
    await pushFacts(base, [fact(0, 0.4)]);
    await putMonitor(base, "ada-list", {
      workflowId: "wf_list",
      ownerUserId: "u_list",
      predicate: { stream: ada, field: "price", op: "crosses_above", value: 0.5 },
      fire: { mode: "edge" },
    });
    const { page } = await newPage();
    await signIn(page, base, "dev-admin-token");
    await openConsole(page, base, "#/monitors");
    await page.locator("[data-live=stream]").waitFor({ timeout: 20_000 });
    const count = page.locator("tr[data-monitor=ada-list] td:nth-child(6)");
    await expect(count.textContent()).resolves.toBe("0");
    await pushFacts(base, [fact(1, 0.6)]);
    await page.locator("tr[data-monitor=ada-list] td:nth-child(6)", { hasText: "1" }).waitFor({ timeout: 20_000 });
  });

  it("shows each condition's explain lane with the API's truths, and previews the backtest's points", async () => {
    const { base, newPage } = harness();
    const rows = await explainRows(base, "btc-band");
    const { page } = await newPage();
    await signIn(page, base, "dev-admin-token");
    await openConsole(page, base, "#/monitors/btc-band");
    const lanes = await laneTruths(page);
    const indices = [...new Set(rows.flatMap((r) => r.conditions.map((c) => c.index)))];
    expect(Object.keys(lanes).sort()).toEqual(indices.map(String).sort());
    for (const i of indices) {
      expect(lanes[String(i)], `lane ${i}`).toEqual(rows.map((r) => r.conditions.find((c) => c.index === i)?.truth));
    }

    const backtest = await backtestOf(base, "btc-band");
    await page.locator("[data-action=preview]").click();
    await page.locator("[data-preview-note]").filter({ hasText: "Would have fired" }).waitFor({ timeout: 20_000 });
    const preview = await page
      .locator(".chart[data-stream]")
      .evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-preview-markers"))));
    expect(preview.reduce((a, b) => a + b, 0)).toBe(backtest.length);
  });

  it("replays a dead letter from its page, which clears it from those waiting", async () => {
    const { base, newPage, stateDir } = harness();
    if (!stateDir) throw new Error("the dead-letter case needs the harness's own fabric (unset BASE)");
    deadLetterInto(stateDir, "msg-console-1");
    const { page, errors } = await newPage();
    await signIn(page, base, "dev-admin-token");
    await openConsole(page, base, "#/dead-letters");
    const row = page.locator("[data-queue=events] tr[data-dead-letter=msg-console-1]");
    await row.waitFor({ timeout: 15_000 });
    await expect(row.textContent()).resolves.toContain("D1 unavailable after 5 retries");
    await row.locator("[data-action=replay]").click();
    await page.locator(".notice").filter({ hasText: "Replayed msg-console-1" }).waitFor({ timeout: 15_000 });
    await row.waitFor({ state: "detached", timeout: 15_000 });
    const listed = (await (await fetch(`${base}/v1/admin/dead-letters/events`, { headers: ADMIN })).json()) as {
      deadLetters: { id: string; replayed_at: number | null }[];
    };
    expect(listed.deadLetters.find((d) => d.id === "msg-console-1")?.replayed_at).toEqual(expect.any(Number));
    expect(realErrors(errors)).toEqual([]);
  });

  it("renders HTML in user-provided ids as text", async () => {
    const { base, newPage } = harness();
    const { page, errors } = await newPage();
    await signIn(page, base, "dev-admin-token");
    await openConsole(page, base, "#/monitors/xss-case");
    await expect(page.locator("dd[data-field=workflowId]").textContent()).resolves.toBe(XSS.workflowId);
    await expect(page.locator("dd[data-field=ownerUserId]").textContent()).resolves.toBe(XSS.ownerUserId);
    await openConsole(page, base, "#/monitors");
    await expect(page.locator("tr[data-monitor=xss-case]").textContent()).resolves.toContain(XSS.workflowId);
    await expect(page.evaluate(() => (globalThis as { __xss?: number }).__xss)).resolves.toBeUndefined();
    await expect(page.locator("main script, main img").count()).resolves.toBe(0);
    expect(realErrors(errors)).toEqual([]);
  });

  it("opens a hand-typed monitor route that is not valid percent-encoding as that id, inside the console", async () => {
    const { base, newPage } = harness();
    const { page, errors } = await newPage();
    await signIn(page, base, "dev-admin-token");
    await openConsole(page, base, "#/monitors/50%off");
    // The navigation stays, and the fabric's answer for the id as typed is shown (not "URI malformed").
    await page.locator("header.top nav").waitFor({ timeout: 15_000 });
    await expect(page.locator("main [role=alert]").textContent({ timeout: 15_000 })).resolves.toContain(
      "path.monitorId: monitorId may use letters, digits and . _ : -",
    );
    expect(realErrors(errors)).toEqual([]);
  });

  it("lets a read-only token see every page and change nothing, as whoami says, without probing", async () => {
    const { base, newPage } = harness();
    const { page, errors } = await newPage();
    const asked: string[] = [];
    page.on("request", (r) => asked.push(`${r.method()} ${new URL(r.url()).pathname}`));
    await signIn(page, base, "dev-read-token-local");
    // Sign-in asked whoami and tried no change (the old invalid-write probe) to find the scope out.
    expect(asked).toContain("GET /v1/admin/whoami");
    expect(asked.filter((a) => !a.startsWith("GET "))).toEqual([]);
    await expect(page.locator("header.top .who").textContent()).resolves.toBe("read-only");
    const stats = (await (await fetch(`${base}/v1/admin/stats`, { headers: READ })).json()) as { shards: unknown[] };
    await page.locator(".tiles").waitFor();
    await expect(page.locator("table.shards tbody tr").count()).resolves.toBe(stats.shards.length);
    await openConsole(page, base, "#/monitors/btc-cross");
    expect((await chartMarkers(page, (await matchesOf(base, "btc-cross")).length)).length).toBe(1);
    await expect(page.locator("[data-action]").count()).resolves.toBe(0);
    for (const hash of ["#/dead-letters", "#/rebuilds"]) {
      await openConsole(page, base, hash);
      await page.locator("h1").waitFor();
      await expect(page.locator("[data-action]").count(), hash).resolves.toBe(0);
    }
    // The buttons are gone, and the API refuses the token anyway.
    const status = await page.evaluate(
      async (id) =>
        (
          await fetch(`/v1/monitors/${id}`, {
            method: "DELETE",
            headers: { authorization: `Bearer ${sessionStorage.getItem("fabric-console.token")}` },
          })
        ).status,
      "btc-cross",
    );
    expect(status).toBe(403);
    expect((await matchesOf(base, "btc-cross")).length).toBeGreaterThan(0);
    // Every page loaded with no refusal at all but the DELETE above, tried on purpose.
    expect(errors.filter((e) => !e.includes("403"))).toEqual([]);
  });

  it("shows a refused save's problem, its title and each errors[].path, and stays signed in", async () => {
    const { base, newPage } = harness();
    const { page } = await newPage();
    await signIn(page, base, "dev-admin-token");
    await openConsole(page, base, "#/monitors/btc-cross");
    const editor = page.locator(".editor textarea");
    await editor.waitFor({ timeout: 15_000 });
    const body = JSON.parse(await editor.inputValue()) as Record<string, unknown>;
    await editor.fill(JSON.stringify({ ...body, workflowId: 5 }));
    await page.locator("[data-action=save]").click();
    await page.locator("[data-action=confirm]").click();
    const error = page.locator(".editor .error");
    await error.waitFor({ timeout: 15_000 });
    await expect(error.textContent()).resolves.toMatch(/^Invalid request: .+\nworkflowId: /s);
    await expect(page.locator("header.top").count()).resolves.toBe(1);
  });

  it("keeps a refused token at the prompt with the reason, and gives the admin token its buttons", async () => {
    const { base, newPage } = harness();
    const { page } = await newPage();
    await page.goto(`${base}/console/`);
    for (const [token, reason] of [
      ["not-a-token", "refused this token"],
      ["dev-control-token-local", "may not read"],
    ] as const) {
      await page.locator("input[name=token]").fill(token);
      await page.locator("button[type=submit]").click();
      await page.locator(".login .error").filter({ hasText: reason }).waitFor({ timeout: 15_000 });
      await expect(page.evaluate(() => sessionStorage.getItem("fabric-console.token"))).resolves.toBeNull();
    }
    await signIn(page, base, "dev-admin-token");
    await expect(page.locator("header.top .who").textContent()).resolves.toBe("admin");
    await openConsole(page, base, "#/rebuilds");
    await page.locator("[data-action=rebuild]").waitFor({ timeout: 15_000 });
  });

  it("brings back the sign-in prompt, with the reason, when the token is refused", async () => {
    const { base, newPage } = harness();
    const { page } = await newPage();
    await signIn(page, base, "dev-admin-token");
    await page.evaluate(() => sessionStorage.setItem("fabric-console.token", "expired-token"));
    await openConsole(page, base, "#/monitors");
    await page.locator("input[name=token]").waitFor({ timeout: 15_000 });
    await expect(page.locator(".login .error").textContent()).resolves.toContain("Sign in again");
  });
});

describe("the console's render figure", () => {
  it("prints how long the monitor page takes to draw 10,000 points and 500 markers", async () => {
    const { base, newPage } = harness();
    const { page } = await newPage();
    await signIn(page, base, "dev-admin-token");
    const ms = await monitorPageRenderMs(page, base);
    console.log(`console monitor page, 10,000 points and 500 markers: drawn ${Math.round(ms)} ms after navigation`);
    expect(ms).toBeGreaterThan(0);
  });
});
