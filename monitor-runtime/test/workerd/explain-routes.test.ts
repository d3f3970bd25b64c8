import { describe, expect, it } from "vitest";
import type { ExplainPage } from "../../../shared/src/contract/explain";
import { encodeExplainCursor } from "../../../shared/src/contract/explain-cursor";
import { shardCount, shardName } from "../../../shared/src/contract/topology";
import type { AcceptedFact } from "../../../shared/src/facts";
import { shardOf } from "../../../shared/src/streams";
import { explainStream, T0 } from "./explain-fixture";
import { call, post, renv } from "./runtime-helpers";

/**
 * The explain routes for real: the registry and the matcher shards in workerd, facts stored on the
 * monitor's home shard through its RPC, explain read back through the admin routes.
 */
const { body, stored } = explainStream("EXPL");

describe("explain routes", () => {
  it("explains a saved monitor's evaluations, pages by cursor, and takes RFC 3339 or ms", async () => {
    // Registered before the facts, so every fact is an evaluation of this version (as live).
    expect((await call("PUT", "/v1/monitors/m-expl", body)).status).toBe(201);
    await stored();
    const whole = await post("/v1/monitors/m-expl/explain", {});
    expect(whole.status).toBe(200);
    const page = whole.json as unknown as ExplainPage;
    expect(page.rows.map((r) => r.decision.outcome)).toEqual(["false", "matched", "false", "matched", "false"]);
    expect(page.rows[1]?.conditions[0]?.reason).toBe("crossed from 90 to 110");
    expect(page.rows[2]?.conditions[0]?.reason).toBe("not crossed: 110 → 95 falls to ≤ 100");
    expect(page).toMatchObject({ monitorId: "m-expl", monitorVersion: 1, matched: 2, nextCursor: null });

    const paged: unknown[] = [];
    let cursor: string | undefined;
    do {
      const res = await post("/v1/monitors/m-expl/explain", { limit: 2, ...(cursor ? { cursor } : {}) });
      const p = res.json as unknown as ExplainPage;
      paged.push(...p.rows);
      cursor = p.nextCursor ?? undefined;
    } while (cursor);
    expect(paged).toEqual(page.rows);

    const ranged = await post("/v1/monitors/m-expl/explain", { from: "2026-12-01T10:01:00Z", to: T0 + 3 * 60_000 });
    expect((ranged.json as unknown as ExplainPage).rows.map((r) => r.observedAt)).toEqual([
      T0 + 60_000,
      T0 + 120_000,
      T0 + 180_000,
    ]);
    // Explain's matches are the ones live matching made (explain itself writes nothing).
    const live = (await call("GET", "/v1/monitors/m-expl/matches")).json.matches as { eventId: string }[];
    const explained = page.rows.filter((r) => r.decision.outcome === "matched").map((r) => r.eventId);
    expect(live.map((m) => m.eventId)).toEqual(explained);
  });

  it("explains a definition not saved: would it have fired, and when", async () => {
    await stored();
    const res = await post("/v1/explain", { monitor: { ...body, monitorId: "draft" }, limit: 10 });
    expect(res.status).toBe(200);
    const page = res.json as unknown as ExplainPage;
    expect(page.monitorId).toBe("draft");
    expect(page.rows.filter((r) => r.decision.outcome === "matched").map((r) => r.observedAt)).toEqual([
      T0 + 60_000,
      T0 + 180_000,
    ]);
    expect((await call("GET", "/v1/monitors/draft")).status).toBe(404);
  });

  it("previews a draft reading a stream of another shard: reads it there, fires where the ratio crosses", async () => {
    // A ratio: XRAT-A's price against 0.05 × XRAT-B's, two streams homed on two different shards.
    const ref = (symbol: string) => ({ kind: "market_price", subject: { symbol } }) as const;
    const keyOf = (symbol: string) => `market_price:${symbol}`;
    const owner = (symbol: string) => shardOf(keyOf(symbol), shardCount(renv));
    expect(owner("XRAT-A")).not.toBe(owner("XRAT-B"));
    const fact = (symbol: string, n: number, price: number): AcceptedFact => ({
      ...ref(symbol),
      data: { price },
      observedAt: T0 + n * 60_000,
      eventId: `01XRATIO${String(n).padStart(18, "0")}`,
      producerId: "test",
      receivedAt: T0,
      streamKey: keyOf(symbol),
    });
    const shard = (symbol: string) => renv.SHARDS.get(renv.SHARDS.idFromName(shardName(owner(symbol))));
    await shard("XRAT-A").applyFacts([fact("XRAT-A", 2, 90), fact("XRAT-A", 4, 70), fact("XRAT-A", 5, 85)]);
    await shard("XRAT-B").applyFacts([fact("XRAT-B", 1, 2000), fact("XRAT-B", 3, 1600), fact("XRAT-B", 6, 1800)]);
    const ratio = {
      ...body,
      monitorId: "draft-ratio",
      predicate: {
        stream: ref("XRAT-A"),
        field: "price",
        op: "crosses_above",
        value: { stream: ref("XRAT-B"), field: "price", times: 0.05 },
      },
    };
    const res = await post("/v1/explain", { monitor: ratio });
    expect(res.status).toBe(200);
    const page = res.json as unknown as ExplainPage;
    // Both streams' facts, merged by eventId; d = A − 0.05 × B: none, −10, +10, −10, +5, −5.
    expect(page.rows.map((r) => r.observedAt)).toEqual([1, 2, 3, 4, 5, 6].map((n) => T0 + n * 60_000));
    expect(page.rows.map((r) => r.decision.outcome)).toEqual([
      "false",
      "false",
      "matched",
      "false",
      "matched",
      "false",
    ]);
    const paged: unknown[] = [];
    let cursor: string | undefined;
    do {
      const p = (await post("/v1/explain", { monitor: ratio, limit: 4, ...(cursor ? { cursor } : {}) }))
        .json as unknown as ExplainPage;
      paged.push(...p.rows);
      cursor = p.nextCursor ?? undefined;
    } while (cursor);
    expect(paged).toEqual(page.rows);

    // Saved, the home follows XRAT-B: registration copied its history in after XRAT-A's. A draft
    // now reads that copy, the saved monitor's backtest reads the home's log, and both merge the
    // copied rows by eventId among the home's own: the preview's rows, in its order.
    const { monitorId: _draftId, ...saveBody } = ratio;
    expect((await call("PUT", "/v1/monitors/m-ratio", saveBody)).status).toBe(201);
    const matchedAt = (p: ExplainPage) =>
      p.rows.filter((r) => r.decision.outcome === "matched").map((r) => (r.observedAt - T0) / 60_000);
    const home = renv.SHARDS.get(renv.SHARDS.idFromName(shardName(owner("XRAT-A"))));
    const logged = await home.exportFacts([keyOf("XRAT-A"), keyOf("XRAT-B")]);
    expect(logged.map((f) => (f.observedAt - T0) / 60_000)).toEqual([2, 4, 5, 1, 3, 6]); // copied after
    const followed = (await post("/v1/explain", { monitor: ratio })).json as unknown as ExplainPage;
    expect(followed.rows).toEqual(page.rows);
    // The saved monitor was registered after all six facts: live evaluated none of them, and its
    // explain says so (they are history); its backtest asks the preview's question.
    const saved = (await post("/v1/monitors/m-ratio/explain", {})).json as unknown as ExplainPage;
    expect(saved.rows).toEqual([]);
    expect(saved.notes?.[0]).toMatch(/^version 1 was registered after 6 stored fact\(s\) of its streams/);
    const backtest = (await post("/v1/monitors/m-ratio/backtest", {})).json as { matches: { observedAt: number }[] };
    expect(backtest.matches.map((m) => (m.observedAt - T0) / 60_000)).toEqual([3, 5]);
    // Deleted, nothing follows XRAT-B any more: the home's copy is frozen, so a draft pulls again.
    expect((await call("DELETE", "/v1/monitors/m-ratio")).status).toBe(204);
    expect(matchedAt((await post("/v1/explain", { monitor: ratio })).json as unknown as ExplainPage)).toEqual([3, 5]);
  });

  it("answers 404 for an unknown monitor and 400 saying how to fix bad input", async () => {
    const unknown = await post("/v1/monitors/nobody/explain", {});
    expect(unknown.status).toBe(404);
    expect(unknown.type).toContain("application/problem+json");
    const fix = "pass the nextCursor of the previous page, or leave cursor out to start from the beginning";
    const cursor = await post("/v1/explain", { monitor: body, cursor: "not-a-cursor" });
    expect(cursor.status).toBe(400);
    expect(cursor.json.errors).toEqual([
      { path: "cursor", message: `it is not a nextCursor this API returned; ${fix}` },
    ]);
    expect(cursor.json.detail).toBe(
      `The request body is invalid: cursor: it is not a nextCursor this API returned; ${fix}`,
    );
    // A cursor this API could have written whose row is not in the log: the shard refuses it.
    expect((await call("PUT", "/v1/monitors/m-cursor", body)).status).toBe(201);
    const gone = await post("/v1/monitors/m-cursor/explain", {
      cursor: encodeExplainCursor("01NOSUCHROW0000000000000000"),
    });
    expect(gone.status).toBe(400);
    expect(gone.json.errors).toEqual([
      { path: "cursor", message: `the cursor's row is no longer in the stored log; ${fix}` },
    ]);
    const limit = await post("/v1/explain", { monitor: body, limit: 5000 });
    expect(limit.status).toBe(400);
    expect(limit.json.errors?.[0]?.path).toBe("limit");
    const from = await post("/v1/explain", { monitor: body, from: "yesterday" });
    expect(from.status).toBe(400);
    expect(from.json.errors?.[0]?.path).toBe("from");
    const field = await post("/v1/explain", { monitor: { ...body, predicate: { ...body.predicate, field: "prise" } } });
    expect(field.status).toBe(400);
    expect(field.json.errors?.[0]?.path).toBe("monitor.predicate.field");
    expect(field.json.errors?.[0]?.message).toContain('did you mean "price"');
    expect((await post("/v1/explain", { monitor: body, extra: 1 })).status).toBe(400);
    expect((await post("/v1/explain", "{not json")).status).toBe(400);
  });
});
