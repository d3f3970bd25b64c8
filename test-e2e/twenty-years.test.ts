import { describe, expect, it } from "vitest";
import { referenceEvaluate } from "../matcher/src/engine/reference";
import type { Op } from "../matcher/src/engine/types";
import type { AcceptedFact } from "../shared/src/facts";
import { MonitorBodySchema } from "../shared/src/monitor";
import { factStreamKey } from "../shared/src/streams";
import { eventually, fabric, matchesOf } from "./helpers";

/** 20 years of seeded daily closes for one symbol: a random walk with drift and volatility regimes. */
function dailyCloses(days: number, seed: number): number[] {
  let s = seed;
  const random = () => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return s / 2_147_483_648;
  };
  const closes: number[] = [];
  let price = 100;
  for (let d = 0; d < days; d++) {
    const vol = Math.floor(d / 500) % 2 === 0 ? 0.01 : 0.025;
    price = Math.max(1, price * (1 + (random() - 0.49) * 2 * vol));
    closes.push(Math.round(price * 100) / 100);
  }
  return closes;
}

const stream = { kind: "market_price" as const, subject: { symbol: "SPX20Y" } };
const base = { ownerUserId: "u-20y", linkedPortfolioIds: ["pf-20y"], enabled: true };
const DAY = 86_400_000;
const MONITORS: Record<string, Record<string, unknown>> = {
  "y20-cross-up": {
    ...base,
    workflowId: "wf-y20-1",
    predicate: { all: [{ stream, field: "price", op: "crosses_above", value: 120 }] },
    fire: { mode: "edge" },
  },
  "y20-cross-hyst": {
    ...base,
    workflowId: "wf-y20-2",
    predicate: { all: [{ stream, field: "price", op: "crosses_below", value: 90, hysteresis: 5 }] },
    fire: { mode: "edge" },
  },
  "y20-level": {
    ...base,
    workflowId: "wf-y20-3",
    predicate: { all: [{ stream, field: "price", op: "gt", value: 150 }] },
    fire: { mode: "level", cooldownMs: 30 * DAY },
  },
  "y20-drop": {
    ...base,
    workflowId: "wf-y20-4",
    predicate: { all: [{ stream, field: "price", op: "lt", value: -8, change: { windowMs: 20 * DAY, mode: "pct" } }] },
    fire: { mode: "edge" },
  },
  "y20-hold": {
    ...base,
    workflowId: "wf-y20-5",
    predicate: {
      any: [
        { stream, field: "price", op: "between", value: [95, 105], forMs: 60 * DAY },
        { not: { stream, field: "price", op: "lt", value: 300 } },
      ],
    },
    fire: { mode: "edge", once: false },
  },
};

describe("20 years of daily closes through POST /v1/facts", () => {
  it("gives exactly the matches the reference evaluator computes for crossing, level, change and duration monitors", async () => {
    for (const [id, body] of Object.entries(MONITORS))
      expect((await fabric.monitors.put(id, MonitorBodySchema.parse(body))).created).toBe(true);
    const t0 = Date.UTC(2006, 0, 2);
    const closes = dailyCloses(20 * 365, 20);
    const facts = closes.map((price, d) => ({ ...stream, observedAt: t0 + d * DAY, data: { price } }));
    const accepted: AcceptedFact[] = [];
    // One push of all 7,300 facts: the client splits it into requests within the limits, in order.
    const { eventIds } = await fabric.facts.push(facts);
    expect(eventIds).toHaveLength(facts.length);
    eventIds.forEach((eventId, j) => {
      const f = facts[j] as (typeof facts)[number];
      accepted.push({
        ...f,
        eventId,
        producerId: "dev-producer",
        receivedAt: 0,
        streamKey: factStreamKey(f as never),
      } as AcceptedFact);
    });
    const ops: Op[] = [
      ...Object.entries(MONITORS).map(([monitorId, body]) => ({
        type: "upsert" as const,
        def: { ...MonitorBodySchema.parse(body), monitorId, version: 1 },
      })),
      ...accepted.map((fact) => ({ type: "fact" as const, fact })),
    ];
    const expected = referenceEvaluate(ops);
    expect(expected.length).toBeGreaterThan(10);
    for (const id of Object.keys(MONITORS)) {
      const want = expected.filter((m) => m.monitorId === id).map((m) => m.matchId);
      expect(want.length, `${id} has matches to compare`).toBeGreaterThan(0);
      const got = await eventually(
        async () => (await matchesOf(id)).map((m) => m.matchId),
        (ids) => ids.length >= want.length,
        20_000,
      );
      expect(got, id).toEqual(want);
    }
  });
});
