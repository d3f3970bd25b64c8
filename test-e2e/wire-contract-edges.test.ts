import { describe, expect, it } from "vitest";
import { self } from "../test-fixtures/self";
import { ADMIN, call, eventually, PRODUCER, priceMonitor, prices } from "./helpers";

/**
 * Edges of the public wire contract an outside client meets: a time before 1970, a body sent as
 * the wrong content type, a matches cursor that names nothing, and the statuses the document
 * lists for them.
 */
type Problem = { status: number; code: string; detail: string; errors?: { path: string; message: string }[] };

describe("times before 1970 are refused like a negative epoch ms", () => {
  it("refuses a monitor whose expiresAt is before 1970 with a 400, and the id stays usable", async () => {
    const early = { ...priceMonitor("EDGE-EXP", "gt", 1), expiresAt: "1969-12-31T23:59:59Z" };
    const refused = await call("PUT", "/v1/monitors/edge-exp", early);
    expect(refused.status, refused.text).toBe(400);
    expect((refused.json as Problem).errors).toEqual([
      {
        path: "expiresAt",
        message: "must be at or after 1970-01-01T00:00:00Z (times are epoch ms from 0); got a date before 1970",
      },
    ]);
    // Before the fix the registry recorded it, could never emit its event, and answered 503 to
    // every later write of this id.
    const later = await call("PUT", "/v1/monitors/edge-exp", priceMonitor("EDGE-EXP", "gt", 1));
    expect(later.status, later.text).toBe(201);
  });

  it("says a query time before 1970 is out of range rather than malformed", async () => {
    const res = await call("GET", "/v1/streams/market_price/facts?symbol=X&from=1969-01-01T00:00:00Z");
    expect(res.status, res.text).toBe(400);
    expect((res.json as Problem).errors).toEqual([
      {
        path: "query.from",
        message: 'must be at or after 1970-01-01T00:00:00Z (times are epoch ms from 0); got "1969-01-01T00:00:00Z"',
      },
    ]);
  });

  it("refuses a fact observed before 1970 (the whole batch), naming the path", async () => {
    const facts = [...prices("EDGE-OLD", [5]), { ...prices("EDGE-OLD", [6])[0], observedAt: "1969-07-20T20:17:40Z" }];
    const res = await call("POST", "/v1/facts", { facts }, PRODUCER);
    expect(res.status, res.text).toBe(400);
    expect((res.json as Problem).errors?.map((e) => e.path)).toEqual(["facts.1.observedAt"]);
  });
});

describe("a JSON route sent another content type", () => {
  it.each([
    ["PUT", "/v1/monitors/edge-media", "text/plain"],
    ["POST", "/v1/admin/control-plane/workflow-monitors/due", "application/x-www-form-urlencoded"],
    ["POST", "/v1/admin/projections/rebuild", "text/plain"],
  ])("%s %s as %s → 415 saying what to send, and the document lists the 415", async (method, path, type) => {
    const res = await self().fetch(`http://fabric${path}`, {
      method,
      headers: { ...ADMIN, "content-type": type },
      body: "{}",
    });
    expect(res.status).toBe(415);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(await res.json()).toMatchObject({
      status: 415,
      code: "unsupported_media_type",
      detail: `This route takes a JSON body: send Content-Type: application/json (got "${type}")`,
    });
    const doc = await call("GET", "/openapi.json", undefined, {});
    const paths = doc.json.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>;
    const template = path.replace("edge-media", "{monitorId}");
    // …and the 413 of its body limit, which every admin body has too.
    expect(Object.keys(paths[template]?.[method.toLowerCase()]?.responses ?? {})).toEqual(
      expect.arrayContaining(["413", "415"]),
    );
  });
});

describe("a compressed body", () => {
  it.each([
    ["PUT", "/v1/monitors/edge-gzip"],
    ["POST", "/v1/admin/control-plane/workflow-monitors/due"],
    ["POST", "/v1/admin/projections/rebuild"],
  ])(
    "%s %s with Content-Encoding: gzip → 415 saying to send it uncompressed, not 'malformed JSON'",
    async (method, path) => {
      const res = await self().fetch(`http://fabric${path}`, {
        method,
        headers: { ...ADMIN, "content-encoding": "gzip" },
        body: new Uint8Array([0x1f, 0x8b, 0x08, 0x00]),
      });
      expect(res.status).toBe(415);
      expect(await res.json()).toMatchObject({
        code: "unsupported_media_type",
        detail: 'Content-Encoding "gzip" is not accepted: send the body uncompressed (JSON)',
      });
    },
  );
});

describe("GET /v1/monitors/{id}/matches?after=", () => {
  it("pages on from a matchId, and refuses one this monitor never recorded instead of an empty page", async () => {
    expect(
      (await call("PUT", "/v1/monitors/edge-after", priceMonitor("EDGE-AFTER", "gt", 100, { mode: "level" }))).status,
    ).toBe(201);
    await call("POST", "/v1/facts", { facts: prices("EDGE-AFTER", [101, 102, 103]) }, PRODUCER);
    const all = await eventually(
      () => call("GET", "/v1/monitors/edge-after/matches"),
      (r) => (r.json.matches?.length ?? 0) >= 3,
    );
    const ids = (all.json.matches ?? []).map((m) => String(m.matchId));
    expect(ids).toHaveLength(3);
    const rest = await call("GET", `/v1/monitors/edge-after/matches?after=${encodeURIComponent(ids[0] ?? "")}`);
    expect((rest.json.matches ?? []).map((m) => m.matchId)).toEqual(ids.slice(1));
    const newest = await call("GET", "/v1/monitors/edge-after/matches?order=desc&limit=2");
    expect((newest.json.matches ?? []).map((m) => m.matchId)).toEqual([ids[2], ids[1]]);
    const older = await call(
      "GET",
      `/v1/monitors/edge-after/matches?order=desc&after=${encodeURIComponent(ids[1] ?? "")}`,
    );
    expect((older.json.matches ?? []).map((m) => m.matchId)).toEqual([ids[0]]);

    const unknown = await call("GET", "/v1/monitors/edge-after/matches?after=edge-after~1~TYPO");
    expect(unknown.status, unknown.text).toBe(400);
    expect((unknown.json as Problem).errors?.[0]?.path).toBe("query.after");
    expect((unknown.json as Problem).detail).toContain("no match edge-after~1~TYPO of monitor edge-after");
  });
});

describe("the document lists every status a monitor write answers", () => {
  it("PUT and DELETE /v1/monitors/{id} list the 503 of a change not yet on every shard", async () => {
    const doc = await call("GET", "/openapi.json", undefined, {});
    const item = (doc.json.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>)[
      "/v1/monitors/{monitorId}"
    ];
    expect(Object.keys(item?.put?.responses ?? {})).toContain("503");
    expect(Object.keys(item?.delete?.responses ?? {})).toContain("503");
  });
});

describe("a time range that ends before it starts", () => {
  it("is a 400 on `to` for a stream read, a backtest and an explain, not an empty answer", async () => {
    await call("PUT", "/v1/monitors/edge-range", priceMonitor("EDGE-RANGE", "gt", 1));
    const from = "2026-12-02T00:00:00Z";
    const to = "2026-12-01T00:00:00Z";
    const answers = [
      await call("GET", `/v1/streams/market_price/facts?symbol=EDGE-RANGE&from=${from}&to=${to}`),
      await call("POST", "/v1/monitors/edge-range/backtest", { from, to }),
      await call("POST", "/v1/monitors/edge-range/explain", { from, to }),
    ];
    for (const res of answers) {
      expect(res.status, res.text).toBe(400);
      const paths = (res.json as Problem).errors?.map((e) => e.path.replace(/^query\./, ""));
      expect(paths).toEqual(["to"]);
      expect(res.text).toContain("must be at or after from (2026-12-02T00:00:00.000Z)");
    }
    const instant = await call("POST", "/v1/monitors/edge-range/backtest", { from, to: from });
    expect(instant.status, instant.text).toBe(200);
  });
});
