import { describe, expect, it } from "vitest";
import { FabricClient } from "../../src/client";
import { FabricError } from "../../src/errors";
import type { Match } from "../../src/types";
import { fakeFetch, problem } from "./fake-fetch";

const match = (n: number) =>
  ({ matchId: `m1~1~${n}`, monitorId: "m1", monitorVersion: 1, observedAt: n }) as unknown as Match;
const frame = (n: number) => `id: m1~1~${n}\nevent: match\ndata: ${JSON.stringify(match(n))}\n\n`;

/** An SSE body sent in the given chunks, then ended (or left open with `open`). */
function sse(chunks: string[], open = false): Response {
  const bytes = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      for (const chunk of chunks) c.enqueue(bytes.encode(chunk));
      if (!open) c.close();
    },
  });
  return new Response(body, { headers: { "content-type": "text/event-stream" } });
}

function client(fetch: ReturnType<typeof fakeFetch>["fetch"], sleeps: number[] = []) {
  return new FabricClient({
    baseUrl: "http://fabric/",
    token: "tok",
    fetch,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
  });
}

async function take(it: AsyncGenerator<Match>, n: number): Promise<string[]> {
  const ids: string[] = [];
  for await (const m of it) {
    ids.push(m.matchId);
    if (ids.length >= n) break;
  }
  return ids;
}

describe("client.matchStream", () => {
  it("parses matches from SSE cut anywhere, skipping comments, with the token and filters on the request", async () => {
    const text = `: connected\n\n${frame(1)}: heartbeat\n\n${frame(2)}`;
    const f = fakeFetch(() => sse([text.slice(0, 7), text.slice(7, 50), text.slice(50, 51), text.slice(51)], true));
    const ids = await take(client(f.fetch).matchStream({ monitorId: "m1", ownerUserId: "u 1" }), 2);
    expect(ids).toEqual(["m1~1~1", "m1~1~2"]);
    expect(f.calls[0]?.url).toBe("http://fabric/v1/matches/stream?monitorId=m1&ownerUserId=u+1");
    expect(f.calls[0]?.headers.authorization).toBe("Bearer tok");
  });

  it("reconnects after a drop with the last matchId as after, backing off, and repeats nothing", async () => {
    const sleeps: number[] = [];
    const f = fakeFetch(
      (_req, n) =>
        [sse([frame(1), frame(2)]), problem(503), sse([frame(3)]), sse([frame(4)], true)][n] ?? sse([], true),
    );
    const ids = await take(client(f.fetch, sleeps).matchStream({ after: "m1~1~0" }), 4);
    expect(ids).toEqual(["m1~1~1", "m1~1~2", "m1~1~3", "m1~1~4"]);
    expect(f.calls.map((c) => new URL(c.url).searchParams.get("after"))).toEqual([
      "m1~1~0",
      "m1~1~2",
      "m1~1~2",
      "m1~1~3",
    ]);
    // Jittered exponential backoff: the failures in a row grow the wait; a good connection resets it.
    expect(sleeps).toEqual([250, 500, 250]);
  });

  it("resumes from the stream's opening id-only frame when it drops before its first match", async () => {
    const f = fakeFetch(
      (_req, n) =>
        [sse([": connected\n\nid: m0~1~9\n\n"]), sse([": connected\n\nid: m0~1~9\n\n", frame(1)], true)][n] ??
        sse([], true),
    );
    expect(await take(client(f.fetch).matchStream({ monitorId: "m1" }), 1)).toEqual(["m1~1~1"]);
    expect(f.calls.map((c) => new URL(c.url).searchParams.get("after"))).toEqual([null, "m0~1~9"]);
  });

  it("resumes after the last whole frame, not from the id of a frame cut off by the drop", async () => {
    const f = fakeFetch(
      (_req, n) =>
        [sse(["id: ~start\n\n", frame(1), "id: m1~1~2\nevent: match\n"]), sse([frame(2)], true)][n] ?? sse([], true),
    );
    expect(await take(client(f.fetch).matchStream(), 2)).toEqual(["m1~1~1", "m1~1~2"]);
    expect(f.calls.map((c) => new URL(c.url).searchParams.get("after"))).toEqual([null, "m1~1~1"]);
  });

  it("tells onReconnecting each lost stream, with the failure and the wait, and onOpen once it is back", async () => {
    const heard: string[] = [];
    const sleeps: number[] = [];
    const f = fakeFetch((_req, n) => {
      if (n === 1) throw new TypeError("Failed to fetch");
      return [sse([frame(1)]), undefined, problem(503), sse([frame(2)], true)][n] ?? sse([], true);
    });
    const ids = await take(
      client(f.fetch, sleeps).matchStream({
        onOpen: () => heard.push("open"),
        onReconnecting: ({ attempt, delayMs, error }) =>
          heard.push(`reconnecting ${attempt} in ${delayMs} ms${error ? `: ${error.code} ${error.status}` : ""}`),
      }),
      2,
    );
    expect(ids).toEqual(["m1~1~1", "m1~1~2"]);
    // Dropped (no error), unreachable (a network FabricError), answered 503 (its problem code), then live.
    expect(heard).toEqual([
      "open",
      "reconnecting 1 in 250 ms",
      "reconnecting 2 in 500 ms: network 0",
      "reconnecting 3 in 1000 ms: x 503",
      "open",
    ]);
    expect(sleeps).toEqual([250, 500, 1000]);
  });

  it("does not call onReconnecting when its signal stops the stream", async () => {
    const stop = new AbortController();
    const heard: number[] = [];
    const f = fakeFetch(() => sse([frame(1)], true));
    for await (const _ of client(f.fetch).matchStream({
      signal: stop.signal,
      onReconnecting: (i) => heard.push(i.attempt),
    }))
      stop.abort();
    expect(heard).toEqual([]);
  });

  it("waits at least Retry-After on a 429", async () => {
    const sleeps: number[] = [];
    const f = fakeFetch((_req, n) => (n === 0 ? problem(429, {}, { "retry-after": "3" }) : sse([frame(1)], true)));
    expect(await take(client(f.fetch, sleeps).matchStream(), 1)).toEqual(["m1~1~1"]);
    expect(sleeps).toEqual([3000]);
  });

  it("throws the problem for an answer retrying cannot fix (unknown after, no scope, no route)", async () => {
    for (const status of [400, 401, 403, 404]) {
      const f = fakeFetch(() => problem(status, { detail: `status ${status}` }));
      const error = await take(client(f.fetch).matchStream({ after: "x" }), 1).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FabricError);
      expect((error as FabricError).status).toBe(status);
      expect(f.calls).toHaveLength(1);
    }
  });

  it("stops when its signal aborts, even while the stream is open and quiet", async () => {
    const stop = new AbortController();
    const f = fakeFetch(() => sse([frame(1)], true));
    const seen: string[] = [];
    for await (const m of client(f.fetch).matchStream({ signal: stop.signal })) {
      seen.push(m.matchId);
      setTimeout(() => stop.abort(), 10);
    }
    expect(seen).toEqual(["m1~1~1"]);
    expect(f.calls).toHaveLength(1);
  });
});
