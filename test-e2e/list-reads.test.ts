import { describe, expect, it } from "vitest";
import { MonitorBodySchema } from "../shared/src/monitor";
import { call, eventually, fabric, priceMonitor, priceMonitorInput, prices } from "./helpers";

type Page = { monitors: { monitorId: string; workflowId: string; enabled: boolean }[]; nextCursor: string | null };
type FactsPage = { streamKey: string; facts: { eventId: string; observedAt: number }[]; nextCursor: string | null };

const ids = async (query: string) =>
  ((await call("GET", `/v1/monitors?${query}`)).json as unknown as Page).monitors.map((m) => m.monitorId);

describe("list reads", () => {
  it("lists monitors with filters and walks every page with the cursor, each monitor once", async () => {
    for (let i = 0; i < 7; i++) {
      const body = {
        ...priceMonitor(i % 2 ? "LST" : "LSU", "gt", 1),
        workflowId: `wf-list-${i % 3}`,
        enabled: i !== 4,
      };
      expect((await fabric.monitors.put(`list-${i}`, MonitorBodySchema.parse(body))).created).toBe(true);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const r = await call("GET", `/v1/monitors?limit=3${cursor ? `&cursor=${cursor}` : ""}`);
      expect(r.status).toBe(200);
      const page = r.json as unknown as Page;
      expect(page.monitors.length).toBeLessThanOrEqual(3);
      seen.push(...page.monitors.map((m) => m.monitorId).filter((id) => id.startsWith("list-")));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(Array.from({ length: 7 }, (_, i) => `list-${i}`));

    expect(await ids("workflowId=wf-list-1")).toEqual(["list-1", "list-4"]);
    expect(await ids("workflowId=wf-list-1&enabled=true")).toEqual(["list-1"]);
    expect(await ids("stream=market_price:LST&limit=2")).toEqual(["list-1", "list-3"]);
    const rest = await call("GET", "/v1/monitors?stream=market_price:LST&limit=2&cursor=list-3");
    expect((rest.json as unknown as Page).monitors.map((m) => m.monitorId)).toEqual(["list-5"]);
  });

  it("answers 404 for the matches of a monitor never registered, and [] for one registered or removed without matches", async () => {
    const never = await call("GET", "/v1/monitors/never-registered/matches");
    expect(never.status, never.text).toBe(404);
    expect(never.text).toContain("No monitor never-registered was ever registered");
    await fabric.monitors.put("list-quiet", priceMonitorInput("LSQ", "gt", 1));
    expect((await call("GET", "/v1/monitors/list-quiet/matches")).json).toEqual({ matches: [] });
    expect((await call("DELETE", "/v1/monitors/list-quiet")).status).toBe(204);
    expect((await call("GET", "/v1/monitors/list-quiet/matches")).json).toEqual({ matches: [] });
  });

  it("filters by a stream typed as people write it (EUR/USD) or as its key (EUR%2FUSD), and refuses a key naming no stream", async () => {
    await fabric.monitors.put("list-eurusd", priceMonitorInput("EUR/USD", "gt", 1));
    expect(await ids("stream=market_price:EUR/USD")).toEqual(["list-eurusd"]);
    expect(await ids(`stream=${encodeURIComponent("market_price:EUR%2FUSD")}`)).toEqual(["list-eurusd"]);
    const bad = await call("GET", "/v1/monitors?stream=nonsense");
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.json)).toContain("query.stream");
  });

  it("refuses an unknown query key on the monitor list, with a did-you-mean for a near miss", async () => {
    const typo = await call("GET", "/v1/monitors?workflowid=wf-list-1");
    expect(typo.status).toBe(400);
    expect(typo.json.errors).toEqual([
      { path: "query", message: 'unknown key "workflowid"; did you mean "workflowId"?' },
    ]);
    const bogus = await call("GET", "/v1/monitors?bogus=1");
    expect(bogus.status).toBe(400);
    expect(bogus.json.errors).toEqual([
      {
        path: "query",
        message: 'unknown key "bogus"; expected keys: workflowId, ownerUserId, stream, enabled, status, limit, cursor',
      },
    ]);
  });

  it("refuses a misspelt key on a monitor's matches and on the live match stream, instead of ignoring it", async () => {
    await fabric.monitors.put("list-keys", priceMonitorInput("LSK", "gt", 1));
    const limit = await call("GET", "/v1/monitors/list-keys/matches?limt=1");
    expect(limit.status, limit.text).toBe(400);
    expect(limit.json.errors).toEqual([{ path: "query", message: 'unknown key "limt"; did you mean "limit"?' }]);
    // Ignored, this filter would have streamed every monitor's matches.
    const stream = await call("GET", "/v1/matches/stream?monitorid=list-keys");
    expect(stream.status, stream.text).toBe(400);
    expect(stream.json.errors).toEqual([
      { path: "query", message: 'unknown key "monitorid"; did you mean "monitorId"?' },
    ]);
  });

  it("reads a stream's stored facts in event-time order, between times given as RFC 3339 or epoch ms, page by page", async () => {
    const day = 86_400_000;
    const t0 = Date.UTC(2026, 0, 1);
    // Pushed out of event-time order: the read sorts by observedAt (the late one is logged as stale).
    const pushed = await fabric.facts.push([...prices("RDF", [1, 2, 3, 4], t0), ...prices("RDF", [9], t0 - day)]);
    const ids = pushed.eventIds;
    const all = await eventually(
      () => call("GET", "/v1/streams/market_price/facts?symbol=RDF"),
      (r) => ((r.json as unknown as FactsPage).facts?.length ?? 0) === 5,
    );
    const page = all.json as unknown as FactsPage;
    expect(page.streamKey).toBe("market_price:RDF");
    expect(page.facts.map((f) => f.eventId)).toEqual([ids[4], ids[0], ids[1], ids[2], ids[3]]);

    const from = new Date(t0 + day).toISOString();
    const window = await call(
      "GET",
      `/v1/streams/market_price/facts?symbol=RDF&from=${from}&to=${t0 + 3 * day}&limit=1`,
    );
    const first = window.json as unknown as FactsPage;
    expect(first.facts.map((f) => f.eventId)).toEqual([ids[1]]);
    const second = await call(
      "GET",
      `/v1/streams/market_price/facts?symbol=RDF&from=${from}&to=${t0 + 3 * day}&limit=5&cursor=${first.nextCursor}`,
    );
    expect((second.json as unknown as FactsPage).facts.map((f) => f.eventId)).toEqual([ids[2], ids[3]]);
    expect((second.json as unknown as FactsPage).nextCursor).toBeNull();

    // Newest first (a chart of a long stream's recent end), the cursor continuing to older facts.
    const newest = await call("GET", "/v1/streams/market_price/facts?symbol=RDF&order=desc&limit=3");
    const newestPage = newest.json as unknown as FactsPage;
    expect(newestPage.facts.map((f) => f.eventId)).toEqual([ids[3], ids[2], ids[1]]);
    const older = await call(
      "GET",
      `/v1/streams/market_price/facts?symbol=RDF&order=desc&limit=3&cursor=${newestPage.nextCursor}`,
    );
    expect((older.json as unknown as FactsPage).facts.map((f) => f.eventId)).toEqual([ids[0], ids[4]]);
    expect((older.json as unknown as FactsPage).nextCursor).toBeNull();
  });

  it("refuses a bad kind, subject, time or limit with a problem naming the parameter", async () => {
    for (const [path, param] of [
      ["/v1/streams/market_prize/facts?symbol=X", "kind"],
      ["/v1/streams/market_price/facts", "query.symbol"],
      ["/v1/streams/market_price/facts?sym=X", 'did you mean \\"symbol\\"'],
      ["/v1/streams/portfolio_nav_usd/facts?symbol=X", "named by portfolioId"],
      ["/v1/streams/market_price/facts?symbol=X&from=yesterday", "from"],
      ["/v1/streams/market_price/facts?symbol=X&order=newest", "order"],
      ["/v1/monitors?limit=5000", "limit"],
    ] as const) {
      const r = await call("GET", path);
      expect({ path, status: r.status }).toEqual({ path, status: 400 });
      expect(r.text).toContain(param);
    }
  });

  it("backtests between times given as RFC 3339", async () => {
    await fabric.facts.push(prices("BTR", [90, 110, 95, 120]));
    await new Promise((r) => setTimeout(r, 500));
    expect((await fabric.monitors.put("m-btr", priceMonitorInput("BTR", "crosses_above", 100))).created).toBe(true);
    const from = new Date(Date.UTC(2026, 0, 3)).toISOString();
    const bt = await fabric.monitors.backtest("m-btr", { from });
    expect(bt.map((m) => m.observedAt)).toEqual([Date.UTC(2026, 0, 4)]);
  });
});
