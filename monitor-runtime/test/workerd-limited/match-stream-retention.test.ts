import { describe, expect, it } from "vitest";
import { notify, recordMatches, StreamReader } from "../workerd/match-stream-helpers";
import { call, seedMonitor } from "../workerd/runtime-helpers";

/**
 * The match feed keeps its newest MATCH_FEED_RETAIN matches (200 in this project). A stream that
 * stops reading while more than that is recorded must not skip silently to what is left: it ends,
 * and its reconnect from the last id it got is the documented 400 naming where to read instead.
 */
describe("a match stream that falls behind what the feed keeps", () => {
  it("ends instead of skipping, and its resume answers 400 with where to read the rest", async () => {
    await seedMonitor({ monitorId: "lag", enabled: false });
    const stream = await StreamReader.open();
    await stream.readUntil((r) => r.lastEventId !== "");
    // Recorded while the reader reads nothing: far more than the feed keeps and than any buffer holds.
    const recorded = await recordMatches("lag", 5000);
    await notify(recorded);
    await stream.readUntil(() => false, 5_000);
    const got = stream.ids();
    await stream.close();
    const want = recorded.map((n) => n.matchId);
    // Whatever it got is the start of what was recorded, without a hole.
    expect(got).toEqual(want.slice(0, got.length));
    expect(got.length).toBeLessThan(want.length);
    const resumed = await call("GET", "/v1/matches/stream", undefined, {
      authorization: "Bearer dev-admin-token",
      "last-event-id": stream.lastEventId,
    });
    expect(resumed.status).toBe(400);
    // An unfiltered stream missed every monitor's matches, not only lag's: read per monitor.
    expect(resumed.json.detail).toMatch(/older than the live feed keeps.*each followed monitor.*\(for lag: after=/);
  });
});
