import { unpack } from "msgpackr";
import { describe, expect, it } from "vitest";
import { verifyPushSignature } from "../../../shared/src/push-signature";
import { FabricClient } from "../../src/client";
import { FabricError } from "../../src/errors";
import { splitBodies } from "../../src/push";
import { accept, fakeFetch, price, problem } from "./fake-fetch";

/** facts.push against a scripted fetch: splitting, dedupe keys, retries, order and signatures. */
function client(
  fetch: ReturnType<typeof fakeFetch>["fetch"],
  extra: Partial<ConstructorParameters<typeof FabricClient>[0]> = {},
) {
  const waits: number[] = [];
  let clock = 0;
  const fabric = new FabricClient({
    baseUrl: "http://fabric.test/",
    producerToken: "p-token",
    fetch,
    sleep: async (ms) => {
      waits.push(ms);
      clock += ms;
    },
    now: () => clock,
    random: () => 0.5,
    ...extra,
  });
  return { fabric, waits };
}

describe("facts.push splitting", () => {
  it("sends 2500 facts as 1000 + 1000 + 500 and answers per fact in the caller's order", async () => {
    const f = fakeFetch(accept);
    const { fabric } = client(f.fetch);
    const facts = Array.from({ length: 2500 }, (_, i) => price(i));
    const out = await fabric.facts.push(facts, { dedupeKey: (x) => `k${x.observedAt}` });
    expect(f.calls.map((c) => JSON.parse(c.body).facts.length)).toEqual([1000, 1000, 500]);
    expect(out.accepted).toBe(2500);
    expect(out.duplicates).toBe(0);
    expect(out.eventIds).toEqual(facts.map((x) => `ev-k${x.observedAt}`));
    expect(f.calls[0]?.url).toBe("http://fabric.test/v1/facts");
    expect(f.calls[0]?.headers.authorization).toBe("Bearer p-token");
  });

  it("keeps every request within the byte limit, counting the envelope and commas", async () => {
    const f = fakeFetch(accept);
    const { fabric } = client(f.fetch);
    const big = (i: number) => ({
      ...price(i),
      subject: { symbol: `S${String(i).padStart(3, "0")}${"x".repeat(100)}` },
    });
    const facts = Array.from({ length: 50 }, (_, i) => big(i));
    const oneFact = JSON.stringify(facts[0]).length;
    const maxBytes = 12 + oneFact * 7 + 6; // exactly 7 facts and their 6 commas
    await fabric.facts.push(facts, { maxBytes });
    for (const c of f.calls) expect(new TextEncoder().encode(c.body).byteLength).toBeLessThanOrEqual(maxBytes);
    expect(f.calls.map((c) => JSON.parse(c.body).facts.length)).toEqual([7, 7, 7, 7, 7, 7, 7, 1]);
    const sent = f.calls.flatMap((c) => JSON.parse(c.body).facts as { observedAt: number }[]);
    expect(sent.map((x) => x.observedAt)).toEqual(facts.map((x) => x.observedAt));
  });

  it("splits by the UTF-8 byte length, not the string length", () => {
    const fact = new TextEncoder().encode(JSON.stringify({ s: "€".repeat(10) })); // 18 characters, 38 bytes
    const bytes = fact.byteLength;
    expect(splitBodies([fact, fact], 1000, 12 + 2 * bytes).length).toBe(2); // two need 12 + 2·38 + 1
    expect(splitBodies([fact, fact], 1000, 12 + 2 * bytes + 1).length).toBe(1);
  });

  it("refuses a fact that alone exceeds the limit, sending nothing", async () => {
    const f = fakeFetch(accept);
    const { fabric } = client(f.fetch);
    await expect(fabric.facts.push([price(1)], { maxBytes: 40 })).rejects.toThrow(RangeError);
    expect(f.calls).toEqual([]);
  });

  it("keeps a fact's own dedupeKey and gives the others the key function's", async () => {
    const f = fakeFetch(accept);
    const { fabric } = client(f.fetch);
    await fabric.facts.push([{ ...price(1), dedupeKey: "own" }, price(2)], { dedupeKey: (x) => `fn-${x.data.price}` });
    expect(JSON.parse(f.calls[0]?.body ?? "").facts.map((x: { dedupeKey: string }) => x.dedupeKey)).toEqual([
      "own",
      "fn-102",
    ]);
  });
});

describe("facts.push as msgpack", () => {
  const acceptPacked = (req: { bytes: Uint8Array }) => {
    const n = (unpack(req.bytes) as { facts: unknown[] }).facts.length;
    return Response.json({ accepted: n, duplicates: 0, eventIds: Array.from({ length: n }, (_, i) => `e${i}`) });
  };

  it("frames bodies that any msgpack reader decodes to {facts}, in order, under both limits", async () => {
    const f = fakeFetch(acceptPacked);
    const { fabric } = client(f.fetch);
    const facts = Array.from({ length: 70 }, (_, i) => ({ ...price(i), dedupeKey: `k${i}` }));
    const maxBytes = 2000; // a few dozen facts, so both the fixarray and the array16 header occur
    const out = await fabric.facts.push(facts, { format: "msgpack", maxBytes, maxFacts: 30 });
    expect(out.accepted).toBe(70);
    const sent = f.calls.flatMap((c) => (unpack(c.bytes) as { facts: unknown[] }).facts);
    expect(sent).toEqual(facts);
    for (const c of f.calls) {
      expect(c.headers["content-type"]).toBe("application/msgpack");
      expect(c.bytes.byteLength).toBeLessThanOrEqual(maxBytes);
      expect((unpack(c.bytes) as { facts: unknown[] }).facts.length).toBeLessThanOrEqual(30);
    }
    expect(f.calls.length).toBeGreaterThan(2);
  });

  it("fills a request exactly to the byte limit and not one byte past it", async () => {
    const f = fakeFetch(acceptPacked);
    const { fabric } = client(f.fetch);
    const facts = Array.from({ length: 40 }, (_, i) => ({ ...price(0), dedupeKey: `k${String(i).padStart(2, "0")}` }));
    await fabric.facts.push(facts, { format: "msgpack" });
    const whole = f.calls[0]?.bytes.byteLength ?? 0;
    const g = fakeFetch(acceptPacked);
    await client(g.fetch).fabric.facts.push(facts, { format: "msgpack", maxBytes: whole });
    expect(g.calls.length).toBe(1);
    const h = fakeFetch(acceptPacked);
    await client(h.fetch).fabric.facts.push(facts, { format: "msgpack", maxBytes: whole - 1 });
    expect(h.calls.length).toBe(2);
  });
});

describe("facts.push retries", () => {
  it("retries a 429 after its Retry-After, with the same body (same dedupeKeys)", async () => {
    const f = fakeFetch((req, n) => (n === 0 ? problem(429, {}, { "retry-after": "2" }) : accept(req)));
    const { fabric, waits } = client(f.fetch);
    const out = await fabric.facts.push([price(1)], { dedupeKey: () => "d1" });
    expect(out).toEqual({ accepted: 1, duplicates: 0, eventIds: ["ev-d1"] });
    expect(waits).toEqual([2000]);
    expect(f.calls[1]?.body).toBe(f.calls[0]?.body);
  });

  it("retries a 409 that says Retry-After (the same dedupeKeys still in flight), but not a bare 409", async () => {
    const inFlight = fakeFetch((req, n) => (n === 0 ? problem(409, {}, { "retry-after": "1" }) : accept(req)));
    const { fabric, waits } = client(inFlight.fetch);
    expect((await fabric.facts.push([price(1)], { dedupeKey: () => "d1" })).accepted).toBe(1);
    expect(waits).toEqual([1000]);
    expect(inFlight.calls[1]?.body).toBe(inFlight.calls[0]?.body);
    const conflict = fakeFetch(() => problem(409));
    const err = await client(conflict.fetch)
      .fabric.facts.push([price(1)])
      .catch((e) => e);
    expect(err).toBeInstanceOf(FabricError);
    expect(err.status).toBe(409);
    expect(conflict.calls.length).toBe(1);
  });

  it("retries 503 and network errors with exponential backoff and full jitter", async () => {
    const f = fakeFetch((req, n) => {
      if (n === 0) return problem(503);
      if (n === 1) throw new TypeError("fetch failed");
      if (n === 2) return problem(503);
      return accept(req);
    });
    const { fabric, waits } = client(f.fetch); // random() = 0.5: half of 100·2^n
    await fabric.facts.push([price(1)]);
    expect(waits).toEqual([50, 100, 200]);
    expect(f.calls.length).toBe(4);
  });

  it("gives up after maxAttempts with a FabricError", async () => {
    const f = fakeFetch(() => problem(503));
    const { fabric } = client(f.fetch, { retry: { maxAttempts: 3 } });
    const err = await fabric.facts.push([price(1)]).catch((e) => e);
    expect(err).toBeInstanceOf(FabricError);
    expect(err.status).toBe(503);
    expect(f.calls.length).toBe(3);
  });

  it("gives up when the next wait would pass maxElapsedMs", async () => {
    const f = fakeFetch(() => problem(429, {}, { "retry-after": "20" }));
    const { fabric, waits } = client(f.fetch, { retry: { maxElapsedMs: 30_000 } });
    const err = await fabric.facts.push([price(1)]).catch((e) => e);
    expect(err.status).toBe(429);
    expect(waits).toEqual([20_000]);
    expect(f.calls.length).toBe(2);
  });

  it("turns a network error that outlives its retries into FabricError network", async () => {
    const f = fakeFetch(() => {
      throw new TypeError("connection refused");
    });
    const { fabric } = client(f.fetch, { retry: { maxAttempts: 2 } });
    const err = await fabric.facts.push([price(1)]).catch((e) => e);
    expect(err).toBeInstanceOf(FabricError);
    expect(err).toMatchObject({ status: 0, code: "network", detail: "connection refused" });
  });

  it("never retries a 400 and says how far a multi-request push got", async () => {
    const f = fakeFetch((req, n) => (n === 1 ? problem(400, { code: "validation" }) : accept(req)));
    const { fabric } = client(f.fetch);
    const err = await fabric.facts.push(Array.from({ length: 1500 }, (_, i) => price(i))).catch((e) => e);
    expect(f.calls.length).toBe(2);
    expect(err.pushed).toMatchObject({ accepted: 1000, requestsSent: 1, requests: 2 });
  });

  it("names the caller's fact in a later request's errors: the 1,501st fact is facts.1500, not facts.500", async () => {
    const issue = { path: "facts.500.data.price", message: "must be a number > 0; got -1" };
    const detail = `The fact batch is invalid: ${issue.path}: ${issue.message}`;
    const f = fakeFetch((req, n) =>
      n === 1 ? problem(400, { code: "validation", detail, errors: [issue] }) : accept(req),
    );
    const { fabric } = client(f.fetch);
    const err = await fabric.facts.push(Array.from({ length: 1501 }, (_, i) => price(i))).catch((e) => e);
    expect(err).toBeInstanceOf(FabricError);
    expect(err.errors).toEqual([{ path: "facts.1500.data.price", message: issue.message }]);
    expect(err.detail).toBe("The fact batch is invalid: facts.1500.data.price: must be a number > 0; got -1");
    expect(err.message).toContain("facts.1500.data.price");
    expect(err.problem.errors).toEqual(err.errors);
    expect(err.pushed).toMatchObject({ accepted: 1000, requestsSent: 1, requests: 2 });
  });

  it("keeps a first request's paths and a path-less refusal as the fabric sent them", async () => {
    const issue = { path: "facts.3.kind", message: "kind not allowed for this producer" };
    const f = fakeFetch(() => problem(403, { code: "forbidden", detail: "may not push kind x", errors: [issue] }));
    const { fabric } = client(f.fetch);
    const err = await fabric.facts.push([price(1)]).catch((e) => e);
    expect(err.errors).toEqual([issue]);
    expect(err.detail).toBe("may not push kind x");
  });
});

describe("facts.push ordering", () => {
  it("never lets a later push overtake an earlier one, even when the earlier one is retried", async () => {
    const order: number[] = [];
    const f = fakeFetch(async (req, n) => {
      if (n === 0) return problem(503);
      const facts = JSON.parse(req.body).facts as { data: { price: number } }[];
      order.push(...facts.map((x) => x.data.price));
      return accept(req);
    });
    const { fabric } = client(f.fetch, { sleep: (ms) => new Promise((r) => setTimeout(r, ms)) });
    const first = fabric.facts.push([price(1), price(2)]);
    const second = fabric.facts.push([price(3)]);
    const third = fabric.facts.push([price(4)]);
    await Promise.all([first, second, third]);
    expect(order).toEqual([101, 102, 103, 104]);
  });

  it("sends the next push after an earlier one failed", async () => {
    const f = fakeFetch((req, n) => (n === 0 ? problem(400) : accept(req)));
    const { fabric } = client(f.fetch);
    const a = fabric.facts.push([price(1)]);
    const b = fabric.facts.push([price(2)]);
    await expect(a).rejects.toBeInstanceOf(FabricError);
    await expect(b).resolves.toMatchObject({ accepted: 1 });
  });
});

describe("facts.push signing", () => {
  it("signs each attempt with a fresh unix-seconds timestamp over the exact body bytes", async () => {
    const f = fakeFetch((req, n) => (n === 0 ? problem(503) : accept(req)));
    let clock = 1_795_341_660_000;
    const { fabric } = client(f.fetch, {
      signingSecret: "dev-signing-secret",
      now: () => clock,
      sleep: async (ms) => {
        clock += ms + 5000;
      },
    });
    await fabric.facts.push([price(1)]);
    expect(f.calls.map((c) => c.headers["x-fabric-timestamp"])).toEqual(["1795341660", "1795341665"]);
    for (const c of f.calls) {
      expect(c.headers["x-fabric-timestamp"]).toMatch(/^\d{10}$/);
      expect(c.headers["x-fabric-signature"]).toMatch(/^sha256=[0-9a-f]{64}$/);
      const check = await verifyPushSignature({
        timestamp: c.headers["x-fabric-timestamp"],
        signature: c.headers["x-fabric-signature"],
        body: new TextEncoder().encode(c.body),
        secret: "dev-signing-secret",
        nowMs: Number(c.headers["x-fabric-timestamp"]) * 1000,
      });
      expect(check).toEqual({ ok: true });
    }
  });

  it("sends no signature headers without a signing secret", async () => {
    const f = fakeFetch(accept);
    const { fabric } = client(f.fetch);
    await fabric.facts.push([price(1)]);
    expect(f.calls[0]?.headers["x-fabric-signature"]).toBeUndefined();
  });
});
