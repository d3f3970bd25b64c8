import { describe, expect, it } from "vitest";
import type { ExplainPage, ExplainRow } from "../../../client/src/index";
import { cli, problem } from "./harness";

/** `fabric explain` against a scripted fabric: the requests it makes and what it prints. */
const T0 = Date.parse("2026-12-01T10:00:00Z");

function row(i: number, matched: boolean): ExplainRow {
  return {
    eventId: `ev-${i}`,
    observedAt: T0 + i * 60_000,
    streamKey: "market_price:BTC-USD",
    stream: { kind: "market_price", subject: { symbol: "BTC-USD" } },
    conditions: [
      {
        index: 0,
        path: "all.0",
        evaluated: true,
        sample: 100 + i,
        compared: 100 + i,
        previous: 99 + i,
        comparison: `${99 + i} → ${100 + i} crosses above 100`,
        truth: matched,
        reason: matched ? `crossed from ${99 + i} to ${100 + i}` : "not crossed: 99 → 99.5 stays ≤ 100",
      },
      {
        index: 1,
        path: "all.1",
        evaluated: false,
        sample: null,
        compared: null,
        previous: null,
        comparison: "not evaluated",
        truth: true,
        reason: "not sampled by this fact",
      },
    ],
    truth: matched,
    decision: matched
      ? { outcome: "matched", matchId: `m~1~ev-${i}`, reason: "matched" }
      : { outcome: "false", reason: "false: all.0 is false" },
  };
}

/** Pages of two rows, five rows in all, the cursor being the next row's index. */
function pages(body: { cursor?: string }): Response {
  const start = Number(body.cursor ?? 0);
  const rows = [0, 1, 2, 3, 4].slice(start, start + 2).map((i) => row(i, i === 1));
  const page: ExplainPage = {
    monitorId: "btc",
    monitorVersion: 1,
    rows,
    matched: rows.filter((r) => r.decision.outcome === "matched").length,
    nextCursor: start + 2 < 5 ? String(start + 2) : null,
  };
  return Response.json(page);
}

describe("fabric explain", () => {
  it("prints a table of each evaluation's conditions and decision, following the cursor through every page", async () => {
    const r = await cli(["explain", "btc", "--from", "2026-12-01T00:00:00Z"], (req) =>
      pages(JSON.parse(req.body ?? "{}")),
    );
    expect(r.code).toBe(0);
    expect(r.calls.map((c) => c.url)).toEqual(Array(3).fill("http://fabric.test/v1/monitors/btc/explain"));
    expect(r.calls.map((c) => JSON.parse(c.body ?? "{}").cursor)).toEqual([undefined, "2", "4"]);
    expect(JSON.parse(r.calls[0]?.body ?? "{}")).toMatchObject({ from: "2026-12-01T00:00:00Z", limit: 100 });
    expect(r.out).toContain("#0 all.0");
    expect(r.out).toContain("true: crossed from 100 to 101");
    expect(r.out).toContain("true: not sampled by this fact");
    expect(r.out).toContain("false: all.0 is false");
    expect(r.out).toContain("2026-12-01T10:01:00.000Z");
    expect(r.out.split("\n").filter((l) => l.includes("market_price:BTC-USD"))).toHaveLength(5);
    expect(r.err).toBe("5 evaluation(s), 1 matched\n");
  });

  it("stops at --limit and says how to see more; --json prints the rows", async () => {
    const r = await cli(["explain", "btc", "--limit", "3", "--json"], (req) => pages(JSON.parse(req.body ?? "{}")));
    expect(r.code).toBe(0);
    expect((JSON.parse(r.out) as ExplainRow[]).map((x) => x.eventId)).toEqual(["ev-0", "ev-1", "ev-2"]);
    const human = await cli(["explain", "btc", "--limit", "2"], (req) => pages(JSON.parse(req.body ?? "{}")));
    expect(human.err).toContain("raise --limit or pass a later --from");
  });

  it("explains an unsaved definition from a .json file through POST /v1/explain", async () => {
    const monitor = {
      monitorId: "draft",
      workflowId: "wf",
      ownerUserId: "u",
      predicate: {
        stream: { kind: "market_price", subject: { symbol: "BTC-USD" } },
        field: "price",
        op: "gt",
        value: 1,
      },
    };
    const r = await cli(
      ["explain", "draft.json", "--to", "1796120400000"],
      (req) => pages(JSON.parse(req.body ?? "{}")),
      {
        files: { "draft.json": JSON.stringify(monitor) },
      },
    );
    expect(r.code).toBe(0);
    expect(r.calls[0]?.url).toBe("http://fabric.test/v1/explain");
    expect(JSON.parse(r.calls[0]?.body ?? "{}")).toMatchObject({ monitor, to: 1796120400000 });
    const bad = await cli(["explain", "list.json"], undefined, { files: { "list.json": "[]" } });
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("must hold one monitor object");
  });

  it("reports the API's problem in one line and fails", async () => {
    const r = await cli(["explain", "nobody"], () =>
      problem(404, { title: "Not found", detail: "monitor nobody not found" }),
    );
    expect(r.code).toBe(1);
    expect(r.err).toContain("monitor nobody not found");
  });
});
