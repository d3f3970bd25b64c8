import { describe, expect, it } from "vitest";
import { parseDomainEvent } from "../../../shared/src/events";
import { applyEvents } from "../../../shared/src/projections/apply";
import { pruneMatchHistory } from "../../../shared/src/projections/match-history";
import { ulidOf } from "./arbitraries";
import { freshDb } from "./helpers";

const T0 = Date.UTC(2026, 0, 1);
let n = 0;
const event = (type: string, aggregateId: string, version: number, data: object, schemaVersion = 1) =>
  parseDomainEvent({
    eventId: ulidOf(++n),
    type,
    schemaVersion,
    aggregateType: "monitor",
    aggregateId,
    aggregateVersion: version,
    occurredAt: T0 + n,
    data,
  });
const defined = (m: string, version: number, once: boolean) =>
  event(version === 1 ? "monitor_registered" : "monitor_updated", m, version, {
    monitorId: m,
    version,
    workflowId: "wf1",
    ownerUserId: "u1",
    linkedPortfolioIds: [],
    predicate: { stream: { kind: "market_price", subject: { symbol: "X" } }, field: "price", op: "gt", value: version },
    fire: { mode: "edge", cooldownMs: 0, once },
  });
const matched = (m: string, version: number) => {
  const cause = ulidOf(5_000 + ++n);
  return event(
    "trigger_matched",
    m,
    version,
    {
      matchId: `${m}~${version}~${cause}`,
      monitorId: m,
      monitorVersion: version,
      eventId: cause,
      observedAt: T0 + n,
      streamKey: "market_price:X",
      workflowId: "wf1",
      ownerUserId: "u1",
      portfolioId: null,
      triggerEvent: { kind: "market_price", subject: { symbol: "X" }, observedAt: T0 + n, data: { price: 9 } },
    },
    2,
  );
};

describe("match history retention and once monitors", () => {
  it("keeps the match a once monitor's definition in force fired with, so it still reads as fired", async () => {
    const db = freshDb();
    await applyEvents(db, [defined("once-1", 1, true), defined("edge-1", 1, false)]);
    await applyEvents(db, [matched("once-1", 1), matched("edge-1", 1)]);
    await pruneMatchHistory(db, Number.MAX_SAFE_INTEGER);
    const kept = () =>
      db.db.prepare("SELECT monitor_id, monitor_version FROM trigger_matches ORDER BY monitor_id").all();
    expect(kept()).toEqual([{ monitor_id: "once-1", monitor_version: 1 }]);

    // Re-armed by an update (version 2, not fired): version 1's match is history like any other.
    await applyEvents(db, [defined("once-1", 2, true)]);
    await pruneMatchHistory(db, Number.MAX_SAFE_INTEGER);
    expect(kept()).toEqual([]);
  });
});
