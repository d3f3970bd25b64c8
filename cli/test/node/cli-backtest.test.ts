import { describe, expect, it } from "vitest";
import { seriesOf } from "../../src/commands-backtest";
import { fieldValue, highlight, sparkline } from "../../src/sparkline";
import { cli, problem } from "./harness";

const sample = (i: number, value: number) => ({ eventId: `e${i}`, observedAt: 1000 + i, value });

describe("sparkline", () => {
  it("draws the lowest sample as ▁ and the highest as █, and marks a match under its sample", () => {
    const s = sparkline([sample(0, 10), sample(1, 20), sample(2, 15)], [{ eventId: "e1", observedAt: 1001 }], 60);
    expect(s).toEqual({ line: "▁█▅", marks: " ▲", min: 10, max: 20, marked: [1] });
  });

  it("squeezes many samples into the width, each column the last sample it holds", () => {
    const samples = Array.from({ length: 100 }, (_, i) => sample(i, i));
    const s = sparkline(
      samples,
      [
        { eventId: "e99", observedAt: 1099 },
        { eventId: "e0", observedAt: 1000 },
      ],
      10,
    );
    // Columns hold samples 9, 19, …, 99 of 0…99: levels round(v·7/99) = 1 1 2 3 3 4 5 6 6 7.
    expect(s.line).toBe("▂▂▃▄▄▅▆▇▇█");
    expect(s.marks).toBe("▲        ▲");
  });

  it("places a match from another stream at the latest sample before it; a flat series is mid-height", () => {
    const s = sparkline([sample(0, 5), sample(5, 5), sample(9, 5)], [{ eventId: "other", observedAt: 1007 }], 60);
    expect(s).toMatchObject({ line: "▄▄▄", marks: " ▲" });
    expect(highlight(s)).toBe("▄\u001b[7m▄\u001b[27m▄");
    expect(sparkline([], [], 60).line).toBe("");
  });

  it("reads the field a predicate names: data, the newest candle, metrics.<name>", () => {
    expect(fieldValue({ price: 3 }, "price")).toBe(3);
    expect(fieldValue({ candles: [{ close: 1 }, { close: 2 }] }, "close")).toBe(2);
    expect(fieldValue({ metrics: { sharpe: 1.5 } }, "metrics.sharpe")).toBe(1.5);
    expect(fieldValue({ price: "3" }, "price")).toBeUndefined();
  });

  it("finds each distinct stream and field of a predicate, left to right", () => {
    const btc = { kind: "market_price", subject: { symbol: "BTC" } };
    const eth = { kind: "market_price", subject: { symbol: "ETH" } };
    const leaf = (stream: object, field = "price") => ({ stream, field, op: "gt", value: 1 });
    const p = { all: [leaf(btc), { any: [leaf(eth), leaf(btc)] }, { not: leaf(btc, "bid") }] };
    expect(seriesOf(p)).toEqual([
      { ...btc, field: "price" },
      { ...eth, field: "price" },
      { ...btc, field: "bid" },
    ]);
  });
});

const predicate = { stream: { kind: "market_price", subject: { symbol: "BTC" } }, field: "price", op: "gt", value: 15 };
const fact = (i: number, price: number) => ({ eventId: `e${i}`, observedAt: 1795341600000 + i, data: { price } });
const match = {
  matchId: "m~1~e1",
  observedAt: 1795341600001,
  eventId: "e1",
  streamKey: "market_price:BTC",
  triggerEvent: { data: { price: 20 } },
};

/** The fabric's answers for a backtest: the matches, the monitor, its stream's facts. */
function fabric(req: { method: string; url: string }) {
  const path = new URL(req.url).pathname;
  if (path.endsWith("/backtest")) return Response.json({ matches: [match] });
  if (path.startsWith("/v1/streams/")) return Response.json({ facts: [fact(0, 10), fact(1, 20)], nextCursor: null });
  if (req.method === "PUT") return Response.json({ monitorId: "x", version: 1 }, { status: 201 });
  if (req.method === "DELETE") return new Response(null, { status: 204 });
  return Response.json({ monitorId: "m", predicate });
}

describe("fabric backtest", () => {
  it("prints the stream as a sparkline with the match marked, then the matches as a table", async () => {
    const r = await cli(["backtest", "m", "--from", "2026-11-22T00:00:00Z"], fabric);
    expect(r.code).toBe(0);
    const [head, line, marks] = r.out.split("\n");
    expect(head).toBe("market_price:BTC price: 2 facts, 10 … 20, ▲ = match");
    expect([line, marks]).toEqual(["▁█", " ▲"]);
    expect(r.out).toContain("m~1~e1");
    expect(r.out).not.toContain("\u001b"); // plain text when stdout is not a terminal
    const stream = new URL(r.calls.find((c) => c.url.includes("/v1/streams/"))?.url ?? "");
    expect(stream.pathname).toBe("/v1/streams/market_price/facts");
    expect(Object.fromEntries(stream.searchParams)).toMatchObject({ symbol: "BTC", from: "2026-11-22T00:00:00Z" });
  });

  it("a file is explained (POST /v1/explain, as enabled): its matched rows are the matches, nothing is written", async () => {
    const files = {
      "draft.yaml": `workflowId: wf\nownerUserId: u\nenabled: false\npredicate: ${JSON.stringify(predicate)}\n`,
    };
    const row = (i: number, price: number, matched: boolean) => ({
      eventId: `e${i}`,
      observedAt: 1795341600000 + i,
      streamKey: "market_price:BTC",
      stream: predicate.stream,
      conditions: [
        {
          index: 0,
          path: "",
          evaluated: true,
          sample: price,
          compared: price,
          previous: null,
          comparison: `${price} > 15`,
          truth: price > 15,
          reason: "",
        },
      ],
      truth: price > 15,
      decision: matched
        ? { outcome: "matched", matchId: `preview~1~e${i}`, reason: "matched" }
        : { outcome: "false", reason: "false" },
    });
    const pages = [
      {
        monitorId: "preview",
        monitorVersion: 1,
        rows: [row(0, 10, false), row(1, 20, true)],
        matched: 1,
        nextCursor: "c1",
      },
      { monitorId: "preview", monitorVersion: 1, rows: [row(2, 25, false)], matched: 0, nextCursor: null },
    ];
    let served = 0;
    const explaining = (req: { method: string; url: string }) =>
      new URL(req.url).pathname === "/v1/explain" ? Response.json(pages[served++]) : fabric(req);
    const r = await cli(["backtest", "draft.yaml", "--json", "--from", "2026-11-22T00:00:00Z"], explaining, { files });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual([row(1, 20, true)]);
    expect(r.calls.map((c) => `${c.method} ${new URL(c.url).pathname}`)).toEqual([
      "POST /v1/explain",
      "POST /v1/explain",
    ]);
    const first = JSON.parse(r.calls[0]?.body ?? "");
    expect(first).toMatchObject({ monitor: { enabled: true, predicate }, from: "2026-11-22T00:00:00Z", limit: 1000 });
    expect(JSON.parse(r.calls[1]?.body ?? "")).toMatchObject({ cursor: "c1" });

    served = 0;
    const drawn = await cli(["backtest", "draft.yaml"], explaining, { files });
    expect(drawn.code).toBe(0);
    expect(drawn.out).toContain(" ▲");
    expect(drawn.out).toContain("preview~1~e1");
    expect(drawn.out).toContain("20 > 15");

    const failed = await cli(["backtest", "draft.yaml"], () => problem(400), { files });
    expect(failed.code).toBe(1);
    expect(failed.calls.map((c) => c.method)).toEqual(["POST"]);
  });
});
