import { describe, expect, it } from "vitest";
import type { ExplainPage } from "../../../shared/src/contract/explain";
import { shardCount, shardName } from "../../../shared/src/contract/topology";
import type { AcceptedFact } from "../../../shared/src/facts";
import { shardOf } from "../../../shared/src/streams";
import { call, post, renv } from "./runtime-helpers";

/**
 * Registering a monitor that reads a stream another shard owns, for real: the registry copies the
 * stream's history from its owner to the home shard in chunks (readLog → importFacts), then follows
 * it. The history is samples on the home (not stale), so an indicator on that stream has its value
 * at the monitor's first evaluation. The order against live facts racing the registration is
 * checked by the model test (test/node/follow-streams.test.ts).
 */
const T0 = Date.parse("2026-11-01T00:00:00Z");
const HISTORY = 3000;
const shard = (n: number) => renv.SHARDS.get(renv.SHARDS.idFromName(shardName(n)));
const keyOf = (symbol: string) => `market_price:${symbol}`;

/** Two symbols whose streams live on different shards. */
function twoShards(): { near: string; far: string } {
  const n = shardCount(renv);
  const near = "SEEDA";
  for (let i = 0; i < 100; i++) {
    const far = `SEEDB${i}`;
    if (shardOf(keyOf(far), n) !== shardOf(keyOf(near), n)) return { near, far };
  }
  throw new Error("no symbol on another shard");
}

function price(symbol: string, i: number, value: number, observedAt = T0 + i * 1000): AcceptedFact {
  return {
    kind: "market_price",
    subject: { symbol },
    data: { price: value },
    observedAt,
    eventId: `01SEED${symbol.padEnd(8, "X")}${String(i).padStart(12, "0")}`,
    producerId: "test",
    receivedAt: observedAt,
    streamKey: keyOf(symbol),
  };
}

describe("a monitor following another shard's stream", () => {
  it("gets that stream's history, copied in chunks, as samples its indicator reads at once", async () => {
    const { near, far } = twoShards();
    const n = shardCount(renv);
    const home = shard(shardOf(keyOf(near), n));
    const owner = shard(shardOf(keyOf(far), n));
    const history = Array.from({ length: HISTORY }, (_, i) => price(far, i, 100 + (i % 20)));
    for (let i = 0; i < HISTORY; i += 1000) await owner.applyFacts(history.slice(i, i + 1000));
    const staleBefore = Number((await home.stats()).factsStale ?? 0);

    const put = await call("PUT", "/v1/monitors/m-seed", {
      workflowId: "wf-seed",
      ownerUserId: "u-1",
      predicate: {
        stream: { kind: "market_price", subject: { symbol: near } },
        field: "price",
        op: "gt",
        value: {
          stream: { kind: "market_price", subject: { symbol: far } },
          field: "price",
          indicator: { kind: "sma", samples: 20 },
        },
      },
      fire: { mode: "edge" },
    });
    expect(put.status, JSON.stringify(put.json)).toBe(201);
    // The next live fact, as the facts consumer routes it now: to the owner and to its follower.
    const live = price(far, HISTORY, 120);
    await owner.applyFacts([live]);
    await home.applyFacts([live]);
    expect(Number((await home.stats()).factsStale ?? 0) - staleBefore).toBe(0);

    // The first fact of the monitor's own stream already sees the sma over the copied history.
    await home.applyFacts([price(near, 0, 1000, T0 + (HISTORY + 1) * 1000)]);
    const page = (await post("/v1/monitors/m-seed/explain", { from: T0 + (HISTORY + 1) * 1000 }))
      .json as unknown as ExplainPage;
    const last19 = history.slice(-19).map((f) => (f.data as { price: number }).price);
    const sma = [...last19, 120].reduce((a, b) => a + b, 0) / 20;
    expect(page.rows.at(-1)?.conditions[0]?.operand?.value).toBeCloseTo(sma, 9);
    expect(page.rows.at(-1)?.decision.outcome).toBe("matched");
  });
});
