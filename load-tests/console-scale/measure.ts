import type { CDPSession, Page } from "playwright-core";
import { launchChromium } from "../../test-browser/harness";

/**
 * Drives every console view against a seeded running fabric (load-tests/console-scale/seed.ts) in
 * headless Chromium and prints, per view, the time until it shows its data and the requests it
 * made; then holds a monitor page and the monitors list open for LIVE_S seconds while LIVE_RATE
 * facts/s go to a stream five level monitors watch (five matches a fact), and prints long tasks,
 * JS heap after GC, DOM nodes and request counts at the start and end.
 *
 * @example BASE=http://127.0.0.1:8795 LIVE_S=120 node --import tsx load-tests/console-scale/measure.ts
 */
const BASE = process.env.BASE ?? "http://127.0.0.1:8795";
const LIVE_S = Number(process.env.LIVE_S ?? 120);
const LIVE_RATE = Number(process.env.LIVE_RATE ?? 20);
const VIEWS = (process.env.VIEWS ?? "overview,monitors,big,many,dead,live-monitor,live-list").split(",");
const ADMIN = { authorization: "Bearer dev-admin-token", "content-type": "application/json" };
const PRODUCER = { authorization: "Bearer dev-producer-token", "content-type": "application/json" };
const LIVE = { kind: "market_price", subject: { symbol: "LIVE-USD" } };

const LONG_TASKS = `window.__long = []; new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push(e.duration); }).observe({ type: "longtask", buffered: true });`;

async function put(id: string, body: unknown): Promise<void> {
  const res = await fetch(`${BASE}/v1/monitors/${id}`, { method: "PUT", headers: ADMIN, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`PUT ${id}: ${res.status} ${await res.text()}`);
}

/** Pushes LIVE_RATE facts/s to LIVE-USD until stopped; returns a stop function and the count sent. */
function trickle(): { stop: () => Promise<number> } {
  let i = Date.now();
  let sent = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const t = Date.now();
      const facts = Array.from({ length: Math.max(1, Math.round(LIVE_RATE / 5)) }, () => ({
        ...LIVE,
        observedAt: i++,
        dedupeKey: `live:${i}`,
        data: { price: 100 + (i % 10) },
      }));
      await fetch(`${BASE}/v1/facts`, { method: "POST", headers: PRODUCER, body: JSON.stringify({ facts }) });
      sent += facts.length;
      await new Promise((r) => setTimeout(r, Math.max(0, 200 - (Date.now() - t))));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return sent;
    },
  };
}

async function metrics(cdp: CDPSession): Promise<{ heapMB: number; nodes: number }> {
  await cdp.send("HeapProfiler.collectGarbage");
  const { metrics: m } = await cdp.send("Performance.getMetrics");
  const get = (n: string) => m.find((x) => x.name === n)?.value ?? 0;
  return { heapMB: Math.round((get("JSHeapUsedSize") / 1e6) * 10) / 10, nodes: get("Nodes") };
}

async function longTasks(page: Page): Promise<{ count: number; totalMs: number; maxMs: number }> {
  const d = (await page.evaluate("window.__long.splice(0)")) as number[];
  return { count: d.length, totalMs: Math.round(d.reduce((a, b) => a + b, 0)), maxMs: Math.round(Math.max(0, ...d)) };
}

async function timed(page: Page, requests: string[], hash: string, ready: string): Promise<void> {
  requests.length = 0;
  await page.goto("about:blank");
  await page.goto(`${BASE}/console/${hash}`);
  await page.locator(ready).first().waitFor({ timeout: 300_000 });
  const ms = Number(await page.evaluate("performance.now()"));
  const api = requests.filter((u) => u.includes("/v1/"));
  const byPath = new Map<string, number>();
  for (const u of api) {
    const p = new URL(u).pathname.replace(/\/m-\d+$/, "/{id}");
    byPath.set(p, (byPath.get(p) ?? 0) + 1);
  }
  const lt = await longTasks(page);
  console.log(
    `${hash.padEnd(26)} ready ${Math.round(ms)} ms; ${api.length} API requests ${JSON.stringify(Object.fromEntries(byPath))}; long tasks ${JSON.stringify(lt)}`,
  );
}

async function main(): Promise<void> {
  const browser = await launchChromium();
  const context = await browser.newContext();
  await context.addInitScript(
    `try { sessionStorage.setItem("fabric-console.token", "dev-admin-token"); sessionStorage.setItem("fabric-console.can-write", "true"); } catch {} ${LONG_TASKS}`,
  );
  const page = await context.newPage();
  const requests: string[] = [];
  page.on("request", (r) => requests.push(r.url()));
  page.on("pageerror", (e) => console.log(`pageerror: ${e.message}`));
  const cdp = await context.newCDPSession(page);
  await cdp.send("Performance.enable");

  if (VIEWS.includes("overview")) await timed(page, requests, "#/", ".tile");
  if (VIEWS.includes("monitors")) await timed(page, requests, "#/monitors", "tr[data-monitor]");
  if (VIEWS.includes("big")) {
    await timed(page, requests, "#/monitors/big-cross", ".chart[data-points]:not([data-points='0'])");
    console.log(`  big-cross first points: ${await page.locator(".chart").getAttribute("data-points")}`);
    await page.locator(".chart[data-markers]:not([data-markers='0'])").waitFor({ timeout: 300_000 });
    console.log(
      `  big-cross all points and markers at ${Math.round(Number(await page.evaluate("performance.now()")))} ms`,
    );
    // Zoom and pan the chart as a reader would, and count the long tasks that causes.
    await longTasks(page);
    const box = await page.locator(".chart").boundingBox();
    if (box) {
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      for (let i = 0; i < 10; i++) await page.mouse.wheel(0, -300);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width / 4, box.y + box.height / 2, { steps: 20 });
      await page.mouse.up();
      await page.waitForTimeout(500);
      console.log(`  big-cross zoom x10 + pan: long tasks ${JSON.stringify(await longTasks(page))}`);
    }
    const shown = await page.evaluate(`document.querySelectorAll("table.matches tbody tr").length`);
    console.log(`  big-cross: ${shown} match rows; ${JSON.stringify(await metrics(cdp))}`);
    await page.locator(".lanes, .notice").first().waitFor({ timeout: 300_000 });
    console.log(`  big-cross explain shown at ${Math.round(Number(await page.evaluate("performance.now()")))} ms`);
  }
  if (VIEWS.includes("many")) {
    await timed(page, requests, "#/monitors/many-level", ".chart[data-markers]:not([data-markers='0'])");
    const shown = await page.evaluate(`document.querySelectorAll("table.matches tbody tr").length`);
    console.log(`  many-level: ${shown} match rows; ${JSON.stringify(await metrics(cdp))}`);
  }
  if (VIEWS.includes("dead")) {
    await timed(page, requests, "#/dead-letters", "tr[data-dead-letter]");
    const heads = await page.locator("section[data-queue] h2").allTextContents();
    const rows = await page.locator("tr[data-dead-letter]").count();
    console.log(
      `  dead letters: ${rows} rows; headers ${JSON.stringify(heads)}; ${JSON.stringify(await metrics(cdp))}`,
    );
  }

  for (const [view, hash, ready] of [
    ["live-monitor", "#/monitors/live-level", "h2 [data-live=stream]"],
    ["live-list", "#/monitors", "[data-live=stream]"],
  ] as const) {
    if (!VIEWS.includes(view)) continue;
    for (const id of ["live-level", "a-live-1", "a-live-2", "a-live-3", "a-live-4"])
      await put(id, {
        workflowId: `wf_${id}`,
        ownerUserId: "u_live",
        predicate: { stream: LIVE, field: "price", op: "gt", value: 0 },
        fire: { mode: "level" },
      });
    await timed(page, requests, hash, ready);
    const before = await metrics(cdp);
    requests.length = 0;
    const feed = trickle();
    const t0 = Date.now();
    const samples: string[] = [];
    while (Date.now() - t0 < LIVE_S * 1000) {
      await page.waitForTimeout(Math.min(30_000, LIVE_S * 1000));
      const m = await metrics(cdp);
      const rows = await page.evaluate(`document.querySelectorAll("tbody tr").length`);
      samples.push(`${Math.round((Date.now() - t0) / 1000)}s heap ${m.heapMB} MB nodes ${m.nodes} rows ${rows}`);
    }
    const sent = await feed.stop();
    const lt = await longTasks(page);
    const api = requests.filter((u) => u.includes("/v1/") && !u.includes("/v1/matches/stream"));
    console.log(
      `${view}: ${sent} facts in ${LIVE_S} s (x5 matches); before ${JSON.stringify(before)}; long tasks ${JSON.stringify(lt)}; ${api.length} API requests`,
    );
    for (const s of samples) console.log(`  ${s}`);
  }
  await browser.close();
}

await main();
