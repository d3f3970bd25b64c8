import { describe, expect, it } from "vitest";
import { FabricClient } from "../../src/client";
import { fakeFetch, problem } from "./fake-fetch";

type Row = { id: string; replayed_at: number | null; replay_count: number };

/**
 * The dead-letter routes as a scripted fetch: `rows` paged oldest first (the cursor is the index of
 * the next row, opaque to the client), and replay answers per id: 202, or `fail[id]`'s answer.
 */
function routes(rows: Row[], fail: Record<string, () => Response> = {}) {
  const replays: string[] = [];
  const f = fakeFetch((req) => {
    const url = new URL(req.url);
    const replay = /\/v1\/admin\/dead-letters\/facts\/([^/]+)\/replay$/.exec(url.pathname);
    if (replay?.[1]) {
      const id = decodeURIComponent(replay[1]);
      replays.push(id);
      const failure = fail[id];
      if (failure) return failure();
      const row = rows.find((r) => r.id === id);
      if (!row) return problem(404, { detail: `no dead letter ${id} on queue facts` });
      row.replay_count++;
      row.replayed_at = 1;
      return Response.json({ replayed: id, replayCount: row.replay_count }, { status: 202 });
    }
    const limit = Number(url.searchParams.get("limit") ?? 100);
    const from = Number(url.searchParams.get("cursor") ?? 0);
    const page = rows.slice(from, from + limit).map((r) => ({ ...r }));
    const next = from + limit < rows.length ? String(from + limit) : null;
    return Response.json({ deadLetters: page, nextCursor: next });
  });
  const client = new FabricClient({
    baseUrl: "http://fabric.test",
    token: "t",
    fetch: f.fetch,
    sleep: async () => {},
    random: () => 0,
    retry: { maxAttempts: 1 },
  });
  return { client, calls: f.calls, replays };
}

const rowsOf = (n: number, replayed: (i: number) => boolean = () => false): Row[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `d${i}`,
    replayed_at: replayed(i) ? 1 : null,
    replay_count: replayed(i) ? 1 : 0,
  }));

describe("dead letters through the client", () => {
  it("iterates every dead letter of a queue oldest first, following nextCursor page by page", async () => {
    const { client, calls } = routes(rowsOf(250));
    const ids: string[] = [];
    for await (const d of client.deadLetters.list("facts", { pageSize: 100 })) ids.push(d.id);
    expect(ids).toEqual(rowsOf(250).map((r) => r.id));
    expect(calls.map((c) => new URL(c.url).search)).toEqual([
      "?limit=100",
      "?limit=100&cursor=100",
      "?limit=100&cursor=200",
    ]);
  });

  it("replays every dead letter not replayed before, and counts those skipped", async () => {
    const rows = rowsOf(30, (i) => i % 10 === 0);
    const { client, replays } = routes(rows);
    const progress: number[] = [];
    const summary = await client.deadLetters.replayAll("facts", {
      pageSize: 7,
      onProgress: (p) => progress.push(p.done),
    });
    expect(summary).toEqual({
      queue: "facts",
      listed: 30,
      replayed: 27,
      alreadyReplayed: 3,
      gone: [],
      failed: [],
      interrupted: false,
    });
    expect(replays.sort()).toEqual(
      rows
        .filter((_, i) => i % 10 !== 0)
        .map((r) => r.id)
        .sort(),
    );
    expect(progress[0]).toBe(0);
    expect(progress.at(-1)).toBe(27);
  });

  it("run again, replays nothing twice: everything is already replayed", async () => {
    const rows = rowsOf(12);
    const { client, replays } = routes(rows);
    await client.deadLetters.replayAll("facts");
    const again = await client.deadLetters.replayAll("facts");
    expect(again).toMatchObject({ listed: 12, replayed: 0, alreadyReplayed: 12 });
    expect(replays.length).toBe(12);
    const forced = await client.deadLetters.replayAll("facts", { includeReplayed: true });
    expect(forced).toMatchObject({ replayed: 12, alreadyReplayed: 0 });
    expect(rows.every((r) => r.replay_count === 2)).toBe(true);
  });

  it("counts a dead letter gone (404) apart from one that failed, with the fabric's reason", async () => {
    const { client } = routes(rowsOf(5), {
      d1: () => problem(404, { detail: "no dead letter d1 on queue facts" }),
      d3: () => problem(500, { title: "Internal error", detail: "queue send failed" }),
    });
    const summary = await client.deadLetters.replayAll("facts", { concurrency: 2 });
    expect(summary.replayed).toBe(3);
    expect(summary.gone).toEqual(["d1"]);
    expect(summary.failed).toEqual([{ id: "d3", status: 500, reason: "queue send failed" }]);
  });

  it("stops at once on a token refused (403) rather than counting every dead letter as failed", async () => {
    const { client, replays } = routes(rowsOf(50), {
      d0: () => problem(403, { detail: "needs write", requiredScope: "write" }),
    });
    await expect(client.deadLetters.replayAll("facts", { concurrency: 1 })).rejects.toMatchObject({ status: 403 });
    expect(replays).toEqual(["d0"]);
  });

  it("stops starting replays once the signal aborts, and says it was interrupted", async () => {
    const stop = new AbortController();
    const { client, replays } = routes(rowsOf(40));
    const summary = await client.deadLetters.replayAll("facts", {
      concurrency: 1,
      signal: stop.signal,
      onProgress: (p) => {
        if (p.done === 10) stop.abort();
      },
    });
    expect(summary).toMatchObject({ listed: 40, replayed: 10, interrupted: true });
    expect(replays.length).toBe(10);
  });
});
