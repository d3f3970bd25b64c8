import { describe, expect, it } from "vitest";
import { app } from "../../src/app";
import { type Notice, notify, recordMatches, StreamReader } from "./match-stream-helpers";
import { call, renv, seedMonitor } from "./runtime-helpers";

/**
 * GET /v1/matches/stream against the real MatchFeed Durable Object: matches recorded in D1 and
 * notified through notify-trigger-matches (as the matcher does) reach open streams exactly once,
 * in order, across a reconnect. The monitors are disabled so that no wake-ups start workflows.
 */
const ids = (notices: Notice[]) => notices.map((n) => n.matchId);
/** Scoped tokens as the dev fabric has them (test-fixtures/aux-workers.ts, a Node module). */
const TEST_ADMIN_TOKENS = JSON.stringify([
  { token: "dev-read-token-local", scopes: ["read"] },
  { token: "dev-control-token-local", scopes: ["control-plane"] },
]);

describe("GET /v1/matches/stream", () => {
  // First in the file: it needs the feed still empty.
  it("opens with an id-only frame naming its start, so a stream dropped before its first match resumes there", async () => {
    for (const m of ["pos-a", "pos-b"]) await seedMonitor({ monitorId: m, enabled: false });
    const started = async (query: string) => {
      const s = await StreamReader.open(query);
      await s.readUntil((r) => r.lastEventId !== "");
      await s.close();
      expect(s.events).toEqual([]); // the frame sets the id and dispatches nothing
      return s.lastEventId;
    };
    const resumed = async (query: string, lastEventId: string, n: number) => {
      const s = await StreamReader.open(query, { "last-event-id": lastEventId });
      await s.count(n);
      await s.readUntil(() => false, 300); // nothing more arrives
      await s.close();
      return s.ids();
    };

    // An empty feed: the start is its beginning.
    const onEmpty = await started("?monitorId=pos-a");
    expect(onEmpty).toBe("~start");
    const whileAway = await recordMatches("pos-a", 3);
    await notify(whileAway);
    expect(await resumed("?monitorId=pos-a", onEmpty, 3)).toEqual(ids(whileAway));

    // A feed with matches, filtered: the start is the newest match of any monitor (here pos-b's).
    const [newest] = await recordMatches("pos-b", 1);
    await notify(newest ? [newest] : []);
    const onFeed = await started("?monitorId=pos-a");
    expect(onFeed).toBe(newest?.matchId);
    const a = await recordMatches("pos-a", 2);
    const b = await recordMatches("pos-b", 2);
    await notify([a[0], b[0], a[1], b[1]].filter((n) => n !== undefined));
    expect(await resumed("?monitorId=pos-a", onFeed, 2)).toEqual(ids(a));
    expect(await resumed("", onFeed, 4)).toEqual(ids([a[0], b[0], a[1], b[1]].filter((n) => n !== undefined)));
  });

  it("delivers a burst of 200 matches exactly once and in order across a reconnect with Last-Event-ID", async () => {
    for (const m of ["burst-a", "burst-b"]) await seedMonitor({ monitorId: m, enabled: false });
    const rounds: Notice[][] = [];
    for (let i = 0; i < 10; i++) rounds.push(await recordMatches(i % 2 ? "burst-b" : "burst-a", 20));
    const all = rounds.flat();

    const first = await StreamReader.open();
    for (const round of rounds.slice(0, 5)) await notify(round);
    await notify(rounds[2] ?? []); // the matcher sending a round again: dropped by matchId
    const seenFirst = (await first.count(60)).slice(0, 60);
    await first.close();

    // Mid-burst: rounds 6–7 are recorded while no stream is open; 8–10 while the new one catches up.
    for (const round of rounds.slice(5, 7)) await notify(round);
    const second = await StreamReader.open("", { "last-event-id": seenFirst[59] ?? "" });
    await Promise.all([
      (async () => {
        for (const round of rounds.slice(7)) await notify(round);
      })(),
      second.count(140),
    ]);
    await second.readUntil(() => false, 300); // nothing more arrives
    await second.close();

    expect([...seenFirst, ...second.ids()]).toEqual(ids(all));
    expect(second.events.every((e) => e.event === "match")).toBe(true);
  });

  it("resumes from Last-Event-ID when the reconnect still carries the first URL's after", async () => {
    await seedMonitor({ monitorId: "hdr-wins", enabled: false });
    const recorded = await recordMatches("hdr-wins", 5);
    const first = await StreamReader.open("?monitorId=hdr-wins");
    await notify(recorded);
    const seen = (await first.count(5)).slice(0, 5);
    await first.close();
    // An SSE client reconnects with the URL it opened (here after the 1st match) and the newest id.
    const again = await StreamReader.open(`?monitorId=hdr-wins&after=${encodeURIComponent(seen[0] ?? "")}`, {
      "last-event-id": seen[2] ?? "",
    });
    await again.count(2);
    await again.readUntil(() => false, 300); // nothing more arrives
    await again.close();
    expect(again.ids()).toEqual(seen.slice(3));
  });

  it("sends each match's data exactly as GET /v1/monitors/{id}/matches returns it", async () => {
    await seedMonitor({ monitorId: "same-json", enabled: false });
    const stream = await StreamReader.open("?monitorId=same-json");
    await notify(await recordMatches("same-json", 3));
    await stream.count(3);
    await stream.close();
    const listed = await call("GET", "/v1/monitors/same-json/matches");
    expect(stream.events.map((e) => JSON.parse(e.data))).toEqual(listed.json.matches);
  });

  it("filters by monitorId, workflowId and ownerUserId, and resumes a filtered stream with after", async () => {
    for (const m of ["f-1", "f-2", "f-3"]) await seedMonitor({ monitorId: m, enabled: false });
    const byMonitor = await StreamReader.open("?monitorId=f-1");
    const byWorkflow = await StreamReader.open("?workflowId=wf-f-2");
    const byOwner = await StreamReader.open("?ownerUserId=u-other");
    const both = await StreamReader.open("?monitorId=f-3&ownerUserId=u-1");
    const f1 = await recordMatches("f-1", 4);
    const f2 = await recordMatches("f-2", 3);
    const f3 = await recordMatches("f-3", 2, "u-other");
    await notify([f1[0], f2[0], f3[0], f1[1], f2[1], f3[1], f1[2], f2[2], f1[3]].filter((n) => n !== undefined));

    expect(await byMonitor.count(4)).toEqual(ids(f1));
    expect(await byWorkflow.count(3)).toEqual(ids(f2));
    expect(await byOwner.count(2)).toEqual(ids(f3));
    await both.readUntil(() => false, 300);
    expect(both.ids()).toEqual([]);
    const resumed = await StreamReader.open(`?monitorId=f-1&after=${encodeURIComponent(f1[1]?.matchId ?? "")}`);
    expect(await resumed.count(2)).toEqual(ids(f1.slice(2)));
    for (const s of [byMonitor, byWorkflow, byOwner, both, resumed]) await s.close();
  });

  it("answers 400 for an after the feed does not hold, saying whether the match exists at all", async () => {
    const never = await call("GET", "/v1/matches/stream?after=nope~1~01X");
    expect(never.status).toBe(400);
    expect(never.type).toContain("application/problem+json");
    expect(never.json.detail).toMatch(/no match nope~1~01X was recorded/);
    expect(never.json.errors).toEqual([{ path: "query.after", message: expect.stringContaining("leave after out") }]);
    const header = await call("GET", "/v1/matches/stream", undefined, {
      authorization: "Bearer dev-admin-token",
      "last-event-id": "nope~1~01X",
    });
    expect(header.status).toBe(400);
    expect(header.json.errors).toEqual([
      { path: "header.last-event-id", message: expect.stringContaining("leave Last-Event-ID out to start from now") },
    ]);
    const [old] = await recordMatches("old-one", 1); // recorded, never notified: not in the feed
    const tooOld = await call("GET", "/v1/matches/stream", undefined, {
      authorization: "Bearer dev-admin-token",
      "last-event-id": old?.matchId ?? "",
    });
    expect(tooOld.status).toBe(400);
    expect(tooOld.json.detail).toMatch(/older than the live feed keeps.*each followed monitor.*for old-one/);
    expect(tooOld.json.errors?.[0]?.path).toBe("header.last-event-id");
    // A stream of that one monitor catches up from that monitor's matches alone.
    const oneMonitor = await call("GET", `/v1/matches/stream?monitorId=old-one&after=${old?.matchId ?? ""}`);
    expect(oneMonitor.status).toBe(400);
    expect(oneMonitor.json.detail).toMatch(
      new RegExp(
        `older than the live feed keeps; read what follows it from GET /v1/monitors/old-one/matches\\?after=${old?.matchId}`,
      ),
    );
    expect((await call("GET", "/v1/matches/stream?monitorId=")).status).toBe(400);
  });

  it("needs a token (401) with the read scope (403)", async () => {
    const none = await call("GET", "/v1/matches/stream", undefined, {});
    expect([none.status, none.type]).toEqual([401, "application/problem+json"]);
    const scoped = { ...renv, ADMIN_TOKENS: TEST_ADMIN_TOKENS };
    const asControl = await app.fetch(
      new Request("http://runtime/v1/matches/stream", { headers: { authorization: "Bearer dev-control-token-local" } }),
      scoped,
    );
    expect(asControl.status).toBe(403);
    expect(((await asControl.json()) as { detail: string }).detail).toMatch(/"read" scope/);
    const asRead = await app.fetch(
      new Request("http://runtime/v1/matches/stream", { headers: { authorization: "Bearer dev-read-token-local" } }),
      scoped,
    );
    expect([asRead.status, asRead.headers.get("content-type")]).toEqual([200, "text/event-stream; charset=utf-8"]);
    await asRead.body?.cancel();
  });

  it("sends a heartbeat comment while no match arrives", async () => {
    const quick = {
      fetch: (url: string, init: RequestInit) =>
        app.fetch(new Request(url, init), { ...renv, MATCH_STREAM_HEARTBEAT_MS: "50" }),
    };
    const stream = await StreamReader.open("", {}, quick as unknown as Fetcher);
    await stream.readUntil((r) => r.text.includes(": heartbeat\n\n"), 5_000);
    await stream.close();
    expect(stream.text.startsWith(": connected\n\n")).toBe(true);
    expect(stream.text).toContain(": heartbeat\n\n");
    expect(stream.events).toEqual([]);
  });
});
