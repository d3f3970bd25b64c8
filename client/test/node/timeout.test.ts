import { describe, expect, it } from "vitest";
import { FabricClient } from "../../src/client";
import { FabricError } from "../../src/errors";
import { Transport } from "../../src/transport";
import { accept, fakeFetch, hang, manualTimeouts, price, problem, requestsMade } from "./fake-fetch";

/**
 * The client's per-attempt timeout (`timeoutMs`): a hung attempt is ended by the attempt's own
 * signal and retried like a network error; the caller's own abort is neither. The timeout's signal
 * is injected (manualTimeouts), so nothing waits for real except the one test of the platform's.
 */
function setup(answer: Parameters<typeof fakeFetch>[0], opts: { timeoutMs?: number; maxAttempts?: number } = {}) {
  const f = fakeFetch(answer);
  const clock = manualTimeouts();
  const sleeps: number[] = [];
  const client = new FabricClient({
    baseUrl: "http://fabric",
    token: "tok",
    fetch: f.fetch,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    timeoutSignal: clock.timeoutSignal,
    ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
    ...(opts.maxAttempts ? { retry: { maxAttempts: opts.maxAttempts } } : {}),
  });
  return { client, calls: f.calls, clock, sleeps };
}

/** A 200 whose body sends a few bytes, then nothing, and does not listen to the request's signal. */
function stalledBody(): Response {
  const body = new ReadableStream<Uint8Array>({
    start: (c) => c.enqueue(new TextEncoder().encode('{"fac')),
  });
  return new Response(body, { headers: { "content-type": "application/json" } });
}

describe("client timeout", () => {
  it("ends a hung attempt when its time is up, retries it, and answers the retry's result", async () => {
    const t = setup((req, n) => (n === 0 ? hang(req.signal) : Response.json({ facts: 3 })));
    const stats = t.client.stats();
    await requestsMade(t.calls, 1);
    t.clock.expire(0);
    expect(await stats).toEqual({ facts: 3 });
    expect(t.calls).toHaveLength(2);
    expect(t.calls[0]?.signal?.aborted).toBe(true);
    expect(t.clock.asked).toEqual([30_000, 30_000]); // the default, for each attempt afresh
    expect(t.sleeps).toEqual([50]); // the first retry's jittered backoff
  });

  it("times out an answer whose body stalls, and retries it", async () => {
    const t = setup((_req, n) => (n === 0 ? stalledBody() : Response.json({ facts: 4 })));
    const stats = t.client.stats();
    await requestsMade(t.calls, 1);
    t.clock.expire(0);
    expect(await stats).toEqual({ facts: 4 });
    expect(t.calls).toHaveLength(2);
  });

  it("sends a push that timed out again, byte for byte (its dedupeKeys make that safe)", async () => {
    const t = setup((req, n) => (n === 0 ? hang(req.signal) : accept(req)));
    const pushed = t.client.facts.push([price(1)], { dedupeKey: (f) => `feed:${f.observedAt}` });
    await requestsMade(t.calls, 1);
    t.clock.expire(0);
    expect(await pushed).toMatchObject({ accepted: 1, eventIds: ["ev-feed:1795341600001"] });
    expect(t.calls).toHaveLength(2);
    expect(t.calls[1]?.body).toBe(t.calls[0]?.body);
  });

  it("throws a timeout FabricError after the last attempt, naming the call and the time allowed", async () => {
    const t = setup((req) => hang(req.signal), { timeoutMs: 1500, maxAttempts: 2 });
    const stats = t.client.stats().catch((e: unknown) => e);
    await requestsMade(t.calls, 1);
    t.clock.expire(0);
    await requestsMade(t.calls, 2);
    t.clock.expire(1);
    const error = await stats;
    expect(error).toBeInstanceOf(FabricError);
    expect(error).toMatchObject({
      status: 0,
      code: "timeout",
      title: "No answer from the fabric within 1.5 s",
      detail: "GET /v1/admin/stats was given up after 1.5 s (the client's timeoutMs)",
      errors: [],
    });
    expect((error as FabricError).cause).toMatchObject({ name: "TimeoutError" });
    expect(t.clock.asked).toEqual([1500, 1500]);
  });

  it("keeps a network error a network error (code network), not a timeout", async () => {
    const t = setup(() => Promise.reject(new TypeError("fetch failed")), { maxAttempts: 1 });
    await expect(t.client.stats()).rejects.toMatchObject({ code: "network", title: "Network error", status: 0 });
  });

  it("does not retry a timed-out call marked not retryable (starting a rebuild)", async () => {
    const t = setup((req) => hang(req.signal));
    const started = t.client.admin.startRebuild().catch((e: unknown) => e);
    await requestsMade(t.calls, 1);
    t.clock.expire(0);
    expect(await started).toMatchObject({ code: "timeout" });
    expect(t.calls).toHaveLength(1);
    expect(t.sleeps).toEqual([]);
  });

  it("ends a hung attempt with the platform's AbortSignal.timeout by default", async () => {
    const f = fakeFetch((req) => hang(req.signal));
    const client = new FabricClient({ baseUrl: "http://fabric", token: "t", fetch: f.fetch, timeoutMs: 20 });
    await expect(client.admin.startRebuild()).rejects.toMatchObject({
      code: "timeout",
      title: "No answer from the fabric within 20 ms",
    });
  });

  it("sets no time limit with timeoutMs 0, and refuses a negative one", async () => {
    const t = setup(() => Response.json({}), { timeoutMs: 0 });
    await t.client.stats();
    expect(t.clock.asked).toEqual([]);
    expect(t.calls[0]?.signal?.aborted).toBe(false);
    expect(() => new FabricClient({ baseUrl: "http://f", token: "t", timeoutMs: -1 })).toThrow(RangeError);
  });
});

describe("a caller's own signal", () => {
  function transport(answer: Parameters<typeof fakeFetch>[0], onSleep: () => void = () => {}) {
    const f = fakeFetch(answer);
    const clock = manualTimeouts();
    const sleeps: number[] = [];
    const t = new Transport({
      baseUrl: "http://fabric",
      fetch: f.fetch,
      timeoutSignal: clock.timeoutSignal,
      random: () => 0.5,
      // A backoff that lasts until the test's onSleep says otherwise (never, unless it aborts the call).
      sleep: (ms) => {
        sleeps.push(ms);
        onSleep();
        return new Promise<void>(() => {});
      },
    });
    return { t, calls: f.calls, sleeps };
  }

  it("ends the call with the caller's reason: not retried, not a timeout", async () => {
    const { t, calls, sleeps } = transport((req) => hang(req.signal));
    const stop = new AbortController();
    const reason = new DOMException("the user left", "AbortError");
    const call = t.json({ method: "GET", path: "/v1/admin/stats", token: "t", signal: stop.signal });
    const settled = call.catch((e: unknown) => e);
    await requestsMade(calls, 1);
    stop.abort(reason);
    expect(await settled).toBe(reason);
    expect(calls).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it("stops at once when the caller aborts during a backoff between retries", async () => {
    const stop = new AbortController();
    const { t, calls, sleeps } = transport(
      () => problem(503),
      () => stop.abort(),
    );
    const call = t.json({ method: "GET", path: "/v1/admin/stats", token: "t", signal: stop.signal });
    await expect(call).rejects.toMatchObject({ name: "AbortError" });
    expect(calls).toHaveLength(1);
    expect(sleeps).toHaveLength(1);
  });
});
