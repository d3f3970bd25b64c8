import { describe, expect, it } from "vitest";
import { parseFacts } from "../../src/input";
import { assignDedupeKeys, contentKey, factsFromCsv, factsFromJson } from "../../src/push-input";
import { cli, problem } from "./harness";

const fact = (i: number) => ({ kind: "market_price", subject: { symbol: "BTC" }, observedAt: i, data: { price: i } });
const accept = (req: { body: string }) => {
  const facts = JSON.parse(req.body).facts as { dedupeKey?: string }[];
  return Response.json(
    { accepted: facts.length, duplicates: 0, eventIds: facts.map((f) => `ev-${f.dedupeKey}`) },
    { status: 202 },
  );
};
const CSV = "sym,ts,px,note\nBTC-USD,2026-11-22T10:00:00Z,99500,a\n\nBTC-USD,1795341660000,101234.5,b\n";
const MAPPING = ["--kind", "market_price", "--subject", "symbol=sym", "--observed-at", "ts", "--data", "price=px"];
const producer = { FABRIC_URL: "http://f", FABRIC_PRODUCER_TOKEN: "prod-t" };

describe("push input", () => {
  it("reads NDJSON, JSON arrays and { facts } bodies", () => {
    const nd = `${JSON.stringify(fact(1))}\n\n${JSON.stringify(fact(2))}\n`;
    expect(parseFacts(nd, "f")).toEqual([fact(1), fact(2)]);
    expect(parseFacts(JSON.stringify([fact(1)]), "f")).toEqual([fact(1)]);
    expect(parseFacts(JSON.stringify({ facts: [fact(3)] }), "f")).toEqual([fact(3)]);
    expect(() => parseFacts(`${JSON.stringify(fact(1))}\n{bad`, "f.ndjson")).toThrow("f.ndjson line 2 is not JSON");
  });

  it("maps CSV columns onto facts: numbers for data, epoch ms kept a number, keys from the template", () => {
    const map = {
      kind: "market_price",
      subject: [{ field: "symbol", column: "sym" }],
      observedAt: "ts",
      data: [{ field: "price", column: "px" }],
      delimiter: ",",
    };
    expect(assignDedupeKeys(factsFromCsv(CSV, "p.csv", map), "{sym}:{ts}")).toEqual([
      {
        ...fact(0),
        subject: { symbol: "BTC-USD" },
        observedAt: "2026-11-22T10:00:00Z",
        data: { price: 99500 },
        dedupeKey: "BTC-USD:2026-11-22T10:00:00Z",
      },
      {
        ...fact(0),
        subject: { symbol: "BTC-USD" },
        observedAt: 1795341660000,
        data: { price: 101234.5 },
        dedupeKey: "BTC-USD:1795341660000",
      },
    ]);
    const nested = factsFromCsv("p,sh,t\npf1,1.5,5\n", "m.csv", {
      ...map,
      kind: "portfolio_held_asset_metrics",
      subject: [{ field: "portfolioId", column: "p" }],
      observedAt: "t",
      data: [{ field: "metrics.sharpe", column: "sh" }],
    });
    expect(nested[0]?.fact).toMatchObject({ subject: { portfolioId: "pf1" }, data: { metrics: { sharpe: 1.5 } } });
  });

  it("names the column and the line of a bad CSV", async () => {
    const badColumn = await cli(["push", "p.csv", ...MAPPING.slice(0, -1), "price=pz"], accept, {
      files: { "p.csv": CSV },
    });
    expect(badColumn).toMatchObject({ code: 2, out: "" });
    expect(badColumn.err).toBe('error: p.csv has no column "pz" (--data price=pz); its columns: sym, ts, px, note\n');
    const notNumber = await cli(["push", "p.csv", ...MAPPING], accept, { files: { "p.csv": `${CSV}ETH,5,abc,c\n` } });
    expect(notNumber.err).toBe('error: p.csv line 5: column "px" holds "abc", not a number (data.price)\n');
    const empty = await cli(["push", "p.csv", ...MAPPING], accept, { files: { "p.csv": `${CSV},5,1,c\n` } });
    expect(empty.err).toBe('error: p.csv line 5: column "sym" is empty (subject.symbol)\n');
    const noKind = await cli(["push", "p.csv", ...MAPPING.slice(2)], accept, { files: { "p.csv": CSV } });
    expect(noKind.err).toContain("--kind market_price");
    expect([notNumber.calls, empty.calls, noKind.calls, badColumn.calls]).toEqual([[], [], [], []]);
  });

  it("derives the same key on every run from a fact's content; a fact's own key wins", () => {
    const reordered = { data: { price: 1 }, observedAt: 1, subject: { symbol: "BTC" }, kind: "market_price" };
    expect(contentKey(fact(1) as never)).toBe(contentKey(reordered as never));
    expect(contentKey(fact(1) as never)).not.toBe(contentKey(fact(2) as never));
    expect(contentKey(fact(1) as never)).toMatch(/^sha256:[0-9a-f]{40}$/);
    const text = JSON.stringify([fact(1), { ...fact(2), dedupeKey: "mine" }]);
    const keys = assignDedupeKeys(factsFromJson(text, "f.json"), undefined).map((f) => f.dedupeKey);
    expect(keys).toEqual([contentKey(fact(1) as never), "mine"]);
    const missing = () => assignDedupeKeys(factsFromJson(text, "f.json"), "{data.seq}");
    expect(missing).toThrow("f.json fact 1 has no data.seq for --dedupe-key");
  });
});

describe("fabric push", () => {
  it("pushes a CSV from stdin with --format csv, then prints the summary", async () => {
    const r = await cli(["push", "-", "--format", "csv", ...MAPPING, "--dedupe-key", "{sym}:{ts}"], accept, {
      stdin: CSV,
      env: producer,
    });
    expect(r).toMatchObject({ code: 0, out: "pushed 2 facts: 2 accepted, 0 duplicates\n" });
    const one = await cli(["push", "-", "--format", "csv", ...MAPPING], accept, {
      stdin: "sym,ts,px\nBTC-USD,2026-11-22T10:00:00Z,99500\n",
      env: producer,
    });
    expect(one.out).toBe("pushed 1 fact: 1 accepted, 0 duplicates\n");
    const sent = JSON.parse(r.calls[0]?.body ?? "").facts;
    expect(sent.map((f: { dedupeKey: string }) => f.dedupeKey)).toEqual([
      "BTC-USD:2026-11-22T10:00:00Z",
      "BTC-USD:1795341660000",
    ]);
  });

  it("--progress draws the bar (facts/s, accepted, duplicates) even when stderr is not a terminal", async () => {
    const quiet = await cli(["push", "p.csv", ...MAPPING], accept, { files: { "p.csv": CSV }, env: producer });
    expect(quiet.drawn).toBe("");
    const r = await cli(["--progress", "push", "p.csv", ...MAPPING], accept, {
      files: { "p.csv": CSV },
      env: producer,
    });
    expect(r.drawn).toMatch(/push \[=+\] 2\/2 facts \| \d+ facts\/s \| 2 accepted, 0 duplicates/);
  });

  it("a re-run sends the same derived keys (so the fabric answers duplicates)", async () => {
    const files = { "p.ndjson": [fact(1), fact(2)].map((f) => JSON.stringify(f)).join("\n") };
    const first = await cli(["push", "p.ndjson"], accept, { files, env: producer });
    const second = await cli(["push", "p.ndjson"], accept, { files, env: producer });
    expect(first.calls[0]?.body).toBe(second.calls[0]?.body);
    expect(JSON.parse(first.calls[0]?.body ?? "").facts[0].dedupeKey).toBe(contentKey(fact(1) as never));
  });

  it("facts push -f (the older name) pushes 2,500 facts in order, 1000 per call, as the producer", async () => {
    const facts = Array.from({ length: 2500 }, (_, i) => fact(i));
    const r = await cli(
      ["facts", "push", "-f", "p.ndjson", "--dedupe-key", "subject.symbol,observedAt", "--json"],
      accept,
      {
        files: { "p.ndjson": facts.map((f) => JSON.stringify(f)).join("\n") },
        env: producer,
      },
    );
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out);
    expect(out.accepted).toBe(2500);
    expect(out.eventIds[2499]).toBe("ev-BTC:2499");
    expect(r.calls.map((c) => JSON.parse(c.body).facts.length)).toEqual([1000, 1000, 500]);
    expect(r.calls[0]?.headers.authorization).toBe("Bearer prod-t");
  });

  it("a failure part-way says how far it got and how to resume", async () => {
    const facts = Array.from({ length: 1500 }, (_, i) => fact(i));
    const r = await cli(["push"], (req, n) => (n === 0 ? accept(req) : problem(403, { detail: "kind not allowed" })), {
      stdin: JSON.stringify(facts),
    });
    expect(r.code).toBe(1);
    expect(r.out).toBe("");
    expect(r.err).toContain("pushed 1000 of 1500 facts before the failure; re-run the same command to resume");
    expect(r.err).toContain("error: Refused: kind not allowed");
  });

  it("a refused fact in a later chunk is named by its index in the input and its CSV line", async () => {
    const rows = Array.from(
      { length: 1501 },
      (_, i) => `BTC-USD,${1_795_341_600_000 + i},${i === 1500 ? -1 : 100 + i}`,
    );
    const issue = { path: "facts.500.data.price", message: "must be a number > 0; got -1" };
    const refuse = (req: { body: string }, n: number) =>
      n === 1
        ? problem(400, { detail: `The fact batch is invalid: ${issue.path}: ${issue.message}`, errors: [issue] })
        : accept(req);
    const r = await cli(["push", "-", "--format", "csv", ...MAPPING], refuse, {
      stdin: `sym,ts,px\n${rows.join("\n")}\n`,
      env: producer,
    });
    expect(r.code).toBe(1);
    expect(r.err).toContain("pushed 1000 of 1501 facts before the failure");
    expect(r.err).toContain("error: Refused: The fact batch is invalid: facts.1500.data.price: must be a number > 0");
    expect(r.err).toContain("  facts.1500.data.price: must be a number > 0; got -1 (stdin line 1502)\n");
  });

  it("a refused first request says nothing was pushed, with the token hint", async () => {
    const r = await cli(["push", "-"], () => problem(401), { stdin: JSON.stringify(fact(1)) });
    expect(r.code).toBe(1);
    expect(r.err).toContain("nothing was pushed (0 of 1 facts)\n");
    expect(r.err).toContain("set FABRIC_PRODUCER_TOKEN or --producer-token");
  });

  it("an unreadable file, or CSV flags on JSON input, is a usage error before any request", async () => {
    const gone = await cli(["push", "nope.csv"], accept);
    expect(gone).toMatchObject({ code: 2, err: "error: cannot read nope.csv (ENOENT): check the path\n" });
    const mixed = await cli(["push", "f.json", "--kind", "market_price"], accept, { files: { "f.json": "[]" } });
    expect(mixed.code).toBe(2);
    expect(mixed.err).toContain("f.json is not CSV (give --format csv)");
    expect((await cli(["push", "-", "--format", "xml"], accept, { stdin: "x" })).err).toContain(
      "--format takes one of",
    );
    expect([gone.calls, mixed.calls]).toEqual([[], []]);
  });
});
