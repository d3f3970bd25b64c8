import { describe, expect, it } from "vitest";
import type { ExplainPage } from "../../../shared/src/contract/explain";
import type { AcceptedFact } from "../../../shared/src/facts";
import { explainStream, T0 } from "./explain-fixture";
import { call, post } from "./runtime-helpers";

/**
 * Explain of a saved monitor agrees with live matching about when its version was registered:
 * facts stored before it are history only (workerd: registry, shards and the admin routes).
 */
const { stream, prices, body, stored, home } = explainStream("LATER");

describe("explain of a saved monitor registered after its facts", () => {
  it("explains a saved monitor from where its version was registered: earlier facts are history, as live", async () => {
    await stored(); // 90, 110, 95, 120, 99, all before the monitor exists
    const gt = { ...body, predicate: { stream, field: "price", op: "gt", value: 100 } };
    expect((await call("PUT", "/v1/monitors/m-later", gt)).status).toBe(201);
    const before = (await post("/v1/monitors/m-later/explain", {})).json as unknown as ExplainPage;
    expect(before.rows).toEqual([]);
    expect(before.notes?.[0]).toMatch(
      /^version 1 was registered after 5 stored fact\(s\) of its streams: they only build/,
    );
    // Live: edge memory starts false at registration, so the next fact above 100 matches.
    const next = prices([90, 90, 90, 90, 90, 130])[5] as AcceptedFact;
    const result = await home().applyFacts([{ ...next, eventId: "01LATERXX99999999999999999" }]);
    expect(result.matches).toBe(1);
    const after = (await post("/v1/monitors/m-later/explain", {})).json as unknown as ExplainPage;
    expect(after.rows.map((r) => [r.observedAt, r.decision.outcome])).toEqual([[T0 + 5 * 60_000, "matched"]]);
    // A draft of the same definition is replayed as if saved before the first fact (a backtest's question).
    const draft = (await post("/v1/explain", { monitor: gt })).json as unknown as ExplainPage;
    expect(draft.rows.map((r) => r.decision.outcome)).toEqual([
      "false",
      "matched",
      "false",
      "matched",
      "false",
      "matched",
    ]);
  });
});
