import type { Page } from "playwright-core";

/**
 * The console's render figure (issue 22 point 5): a monitor page with 10,000 points and 500
 * markers. The monitor's reads are answered inside the browser (Playwright routes) with a
 * synthetic stream, so the figure times the page itself — fetching, parsing, drawing — and not
 * how fast a test can make a local fabric hold 500 matches.
 *
 * @example const ms = await monitorPageRenderMs(page, base); console.log(`${ms} ms`);
 */
const POINTS = 10_000;
const MARKERS = 500;
const START = Date.parse("2026-01-01T00:00:00Z");
const stream = { kind: "market_price", subject: { symbol: "FIG-10K" } };

const facts = Array.from({ length: POINTS }, (_, i) => ({
  ...stream,
  observedAt: START + i * 60_000,
  data: { price: 100 + 10 * Math.sin(i / 50) + (i % 7) / 10 },
  eventId: `fig-${i}`,
  producerId: "fig",
  receivedAt: START + i * 60_000,
  streamKey: "market_price:FIG-10K",
}));
const matches = Array.from({ length: MARKERS }, (_, i) => {
  const f = facts[i * (POINTS / MARKERS)];
  return {
    matchId: `fig~1~${i}`,
    monitorId: "fig-10k",
    monitorVersion: 1,
    eventId: f?.eventId,
    observedAt: f?.observedAt,
    workflowId: "wf_fig",
    portfolioId: null,
    triggerEvent: { ...stream, observedAt: f?.observedAt, data: f?.data },
  };
});
const monitor = {
  monitorId: "fig-10k",
  version: 1,
  workflowId: "wf_fig",
  ownerUserId: "u_fig",
  linkedPortfolioIds: [],
  predicate: { stream, field: "price", op: "crosses_above", value: 105 },
  fire: { mode: "edge", cooldownMs: 0, once: false },
  enabled: true,
  state: {
    matchCount: MARKERS,
    lastMatchId: null,
    lastMatchedAt: null,
    tickCount: 0,
    lastTickAt: null,
    lastTickReason: null,
  },
};

export async function monitorPageRenderMs(page: Page, base: string): Promise<number> {
  await page.route(`${base}/v1/monitors/fig-10k`, (r) => r.fulfill({ json: monitor }));
  await page.route(`${base}/v1/monitors/fig-10k/matches**`, (r) =>
    r.fulfill({ json: { matches: new URL(r.request().url()).searchParams.get("after") ? [] : matches } }),
  );
  await page.route(`${base}/v1/streams/market_price/facts**`, (r) => {
    const query = new URL(r.request().url()).searchParams;
    const at = Number(query.get("cursor") ?? 0);
    const next = at + 1000 < POINTS ? String(at + 1000) : null;
    const ordered = query.get("order") === "desc" ? [...facts].reverse() : facts;
    return r.fulfill({
      json: { streamKey: stream.subject.symbol, facts: ordered.slice(at, at + 1000), nextCursor: next },
    });
  });
  await page.goto("about:blank");
  await page.goto(`${base}/console/#/monitors/fig-10k`);
  await page.locator(`.chart[data-markers="${MARKERS}"][data-points="${POINTS}"]`).waitFor({ timeout: 30_000 });
  // Milliseconds from navigation start to the frame after the markers were set: the page drawn.
  return Number(await page.evaluate("new Promise((r) => requestAnimationFrame(() => r(performance.now())))"));
}
