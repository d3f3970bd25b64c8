import { describe, expect, it } from "vitest";
import { FabricClient } from "../../src/client";
import type { ReconnectInfo } from "../../src/match-stream";
import type { Match } from "../../src/types";
import { fakeFetch, hang, manualTimeouts, requestsMade } from "./fake-fetch";

/**
 * The client's `timeoutMs` and the live match stream: it bounds each connect (a connect out of
 * time reconnects as a drop does), never a stream that has started, however long it stays open.
 */
const match = (n: number) => ({ matchId: `m1~1~${n}`, monitorId: "m1", monitorVersion: 1, observedAt: n });
const frame = (n: number) => `id: m1~1~${n}\nevent: match\ndata: ${JSON.stringify(match(n))}\n\n`;
const enc = new TextEncoder();

/** An open SSE body the test writes to, erroring when the request's signal aborts, as real fetch's does. */
function liveBody(signal: AbortSignal | undefined) {
  let send: (text: string) => void = () => {};
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      send = (text) => c.enqueue(enc.encode(text));
      signal?.addEventListener("abort", () => c.error(signal.reason), { once: true });
    },
  });
  return {
    response: new Response(body, { headers: { "content-type": "text/event-stream" } }),
    send: (t: string) => send(t),
  };
}

async function waitFor(done: () => boolean): Promise<void> {
  for (let spins = 0; !done(); spins++) {
    if (spins > 1000) throw new Error("condition never held");
    await new Promise((r) => setTimeout(r, 0));
  }
}

function setup(answer: Parameters<typeof fakeFetch>[0]) {
  const f = fakeFetch(answer);
  const clock = manualTimeouts();
  const client = new FabricClient({
    baseUrl: "http://fabric",
    token: "tok",
    fetch: f.fetch,
    sleep: async () => {},
    random: () => 0.5,
    timeoutSignal: clock.timeoutSignal,
  });
  return { client, calls: f.calls, clock };
}

describe("client.matchStream and the timeout", () => {
  it("reconnects after a connect that got no answer in time, telling onReconnecting it timed out", async () => {
    const t = setup((req, n) => {
      if (n === 0) return hang(req.signal);
      const live = liveBody(req.signal);
      live.send(frame(1));
      return live.response;
    });
    const reconnects: ReconnectInfo[] = [];
    const opened: number[] = [];
    const stream = t.client.matchStream({
      onReconnecting: (info) => reconnects.push(info),
      onOpen: () => opened.push(t.calls.length),
    });
    const first = stream.next();
    await requestsMade(t.calls, 1);
    t.clock.expire(0);
    expect(((await first).value as Match).matchId).toBe("m1~1~1");
    await stream.return(undefined);
    expect(reconnects).toHaveLength(1);
    expect(reconnects[0]).toMatchObject({ attempt: 1, error: { code: "timeout", status: 0 } });
    expect(reconnects[0]?.error?.detail).toBe(
      "GET /v1/matches/stream was given up after 30 s (the client's timeoutMs)",
    );
    expect(opened).toEqual([2]);
  });

  it("is not cut by the timeout once its answer has started streaming", async () => {
    let live: ReturnType<typeof liveBody> | undefined;
    const t = setup((req) => {
      live = liveBody(req.signal);
      live.send(frame(1));
      return live.response;
    });
    const reconnects: ReconnectInfo[] = [];
    const stream = t.client.matchStream({ onReconnecting: (info) => reconnects.push(info) });
    const ids = [((await stream.next()).value as Match).matchId];
    t.clock.expire(0); // the connect's time runs out long after the stream opened
    live?.send(frame(2));
    ids.push(((await stream.next()).value as Match).matchId);
    expect(ids).toEqual(["m1~1~1", "m1~1~2"]);
    expect(t.calls).toHaveLength(1);
    expect(t.calls[0]?.signal?.aborted).toBe(false);
    expect(reconnects).toEqual([]);
    await stream.return(undefined);
  });

  it("reconnects from the last id when an open stream sends nothing, not even a heartbeat, for idleTimeoutMs", async () => {
    const lives: ReturnType<typeof liveBody>[] = [];
    const t = setup((req) => {
      const live = liveBody(req.signal);
      lives.push(live);
      live.send(frame(lives.length));
      return live.response;
    });
    const reconnects: ReconnectInfo[] = [];
    const stream = t.client.matchStream({ idleTimeoutMs: 5_000, onReconnecting: (info) => reconnects.push(info) });
    expect(((await stream.next()).value as Match).matchId).toBe("m1~1~1");
    const next = stream.next();
    // Each read waits under a fresh idle clock: a heartbeat restarts it, so expiring an earlier one does nothing.
    const idleClock = () => t.clock.asked.lastIndexOf(5_000);
    await waitFor(() => idleClock() >= 0);
    const beforeHeartbeat = idleClock();
    lives[0]?.send(": heartbeat\n\n");
    await waitFor(() => idleClock() > beforeHeartbeat);
    t.clock.expire(beforeHeartbeat);
    expect(t.calls).toHaveLength(1);
    t.clock.expire(idleClock()); // now silent for the whole idle time: taken as dead
    expect(((await next).value as Match).matchId).toBe("m1~1~2");
    expect(t.calls).toHaveLength(2);
    expect(new URL(t.calls[1]?.url ?? "").searchParams.get("after")).toBe("m1~1~1");
    expect(reconnects).toHaveLength(1);
    expect(reconnects[0]?.error).toMatchObject({ code: "timeout" });
    expect(reconnects[0]?.error?.detail).toBe(
      "GET /v1/matches/stream sent nothing, not even a heartbeat, for 5 s (idleTimeoutMs): reconnecting",
    );
    await stream.return(undefined);
  });

  it("ends quietly when the caller aborts a hung connect: no reconnect, no timeout", async () => {
    const t = setup((req) => hang(req.signal));
    const stop = new AbortController();
    const reconnects: ReconnectInfo[] = [];
    const stream = t.client.matchStream({ signal: stop.signal, onReconnecting: (info) => reconnects.push(info) });
    const next = stream.next();
    await requestsMade(t.calls, 1);
    stop.abort();
    expect(await next).toEqual({ done: true, value: undefined });
    expect(t.calls).toHaveLength(1);
    expect(reconnects).toEqual([]);
  });
});
