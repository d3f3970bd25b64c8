import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { encode } from "../../../shared/src/codec";
import { self } from "../../../test-fixtures/self";
import { clearSink, landedFacts, MARKET_ONLY, PRODUCER, priceFact, push, waitForLanded } from "./helpers";

type Problem = { status: number; detail: string; errors?: { path: string }[] };
const problemOf = async (res: Response) => {
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  return (await res.json()) as Problem;
};

describe("POST /v1/facts", () => {
  beforeEach(clearSink);

  it("accepts a batch with 202 and puts exactly those facts, with their eventIds, on the queue", async () => {
    const facts = [priceFact(1), priceFact(2, { subject: { symbol: "ETH-USD" } }), priceFact(3)];
    const res = await push({ facts });
    expect(res.status).toBe(202);
    const body = (await res.json()) as { accepted: number; duplicates: number; eventIds: string[] };
    expect(body).toMatchObject({ accepted: 3, duplicates: 0 });
    const landed = await waitForLanded(3);
    expect(landed.map((f) => f.eventId)).toEqual(body.eventIds);
    expect(landed.map((f) => [f.kind, f.subject, f.observedAt, f.data, f.producerId])).toEqual(
      facts.map((f) => [f.kind, f.subject, f.observedAt, f.data, "dev-producer"]),
    );
    expect(landed[1]?.streamKey).toBe("market_price:ETH-USD");
  });

  it("accepts msgpack bodies of the same shape", async () => {
    const res = await push(encode({ facts: [priceFact(9)] }), { ...PRODUCER, "content-type": "application/msgpack" });
    expect(res.status).toBe(202);
    expect((await waitForLanded(1)).map((f) => f.data)).toEqual([{ price: 109 }]);
  });

  it("answers 401 without a token and with a wrong one", async () => {
    for (const headers of [
      { "content-type": "application/json" },
      { ...PRODUCER, authorization: "Bearer nope-nope-nope" },
    ]) {
      const res = await push({ facts: [priceFact(1)] }, headers);
      expect(res.status).toBe(401);
      expect((await problemOf(res)).status).toBe(401);
    }
  });

  it("answers 403 naming the fact whose kind the producer may not push, and enqueues nothing", async () => {
    const res = await push(
      {
        facts: [
          priceFact(1),
          { kind: "account_cash_usd", subject: { accountId: "a1" }, observedAt: 1, data: { value: 5 } },
        ],
      },
      MARKET_ONLY,
    );
    expect(res.status).toBe(403);
    expect((await problemOf(res)).errors?.[0]?.path).toBe("facts.1.kind");
    expect(await landedFacts()).toEqual([]);
  });

  it("answers 400 with the zod path of each invalid field, and accepts nothing of that batch", async () => {
    const res = await push({
      facts: [priceFact(1), priceFact(2), priceFact(3), priceFact(4, { data: { price: "ten" } })],
    });
    expect(res.status).toBe(400);
    expect((await problemOf(res)).errors?.map((e) => e.path)).toContain("facts.3.data.price");
    expect(await landedFacts()).toEqual([]);
  });

  it("answers 400 for malformed JSON and for an empty batch", async () => {
    expect((await push("{not json")).status).toBe(400);
    expect((await push({ facts: [] })).status).toBe(400);
  });

  it("answers 413 over 1000 facts and over 1 MiB", async () => {
    const many = Array.from({ length: 1001 }, (_, i) => priceFact(i));
    expect((await push({ facts: many })).status).toBe(413);
    const huge = JSON.stringify({ facts: [priceFact(1, { dedupeKey: "x".repeat(1024 * 1024) })] });
    const res = await push(huge);
    expect(res.status).toBe(413);
    await problemOf(res);
  });

  it("answers 415 for another content type", async () => {
    const res = await push({ facts: [priceFact(1)] }, { ...PRODUCER, "content-type": "text/plain" });
    expect(res.status).toBe(415);
    await problemOf(res);
  });

  it("answers 415 for a compressed body, saying to send it uncompressed, and enqueues nothing", async () => {
    const gzipped = new Response(
      new Blob([JSON.stringify({ facts: [priceFact(1)] })]).stream().pipeThrough(new CompressionStream("gzip")),
    );
    const bytes = new Uint8Array(await gzipped.arrayBuffer());
    const res = await push(bytes, { ...PRODUCER, "content-encoding": "gzip" });
    expect(res.status).toBe(415);
    expect((await problemOf(res)).detail).toBe(
      'Content-Encoding "gzip" is not accepted: send the body uncompressed (JSON or msgpack, at most 1 MiB)',
    );
    expect(await landedFacts()).toEqual([]);
    const plain = await push({ facts: [priceFact(2)] }, { ...PRODUCER, "content-encoding": "identity" });
    expect(plain.status).toBe(202);
    expect((await waitForLanded(1)).map((f) => f.data)).toEqual([{ price: 102 }]);
  });

  it("answers a repeated dedupeKey with the original eventId and enqueues the fact once", async () => {
    const first = (await (await push({ facts: [priceFact(1, { dedupeKey: "feed:1" })] })).json()) as {
      eventIds: string[];
    };
    const again = await push({ facts: [priceFact(1, { dedupeKey: "feed:1" }), priceFact(2, { dedupeKey: "feed:2" })] });
    const body = (await again.json()) as { accepted: number; duplicates: number; eventIds: string[] };
    expect(body.accepted).toBe(1);
    expect(body.duplicates).toBe(1);
    expect(body.eventIds[0]).toBe(first.eventIds[0]);
    const landed = await waitForLanded(2);
    expect(landed.map((f) => f.dedupeKey)).toEqual(["feed:1", "feed:2"]);
  });

  it("keeps idempotency under concurrent duplicate requests: one enqueue, one set of eventIds", async () => {
    const facts = Array.from({ length: 20 }, (_, i) => priceFact(i, { dedupeKey: `burst:${i}` }));
    const responses = await Promise.all(Array.from({ length: 8 }, () => push({ facts })));
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as { accepted: number; eventIds: string[] }[];
    expect(responses.map((r) => r.status)).toEqual(Array(8).fill(202));
    expect(bodies.reduce((n, b) => n + b.accepted, 0)).toBe(20);
    for (const b of bodies) expect(b.eventIds).toEqual(bodies[0]?.eventIds);
    await new Promise((r) => setTimeout(r, 300));
    expect((await landedFacts()).length).toBe(20);
  });

  it("answers 503 when the enqueue fails and records nothing, so the producer's retry is not a duplicate", async () => {
    const facts = [priceFact(2, { dedupeKey: "flaky:2" })];
    const request = () =>
      new Request("http://fabric/v1/facts", { method: "POST", headers: PRODUCER, body: JSON.stringify({ facts }) });
    // The local queue cannot be made to fail on demand, so this one call gets a queue that refuses.
    const failing = { ...env, FACTS_QUEUE: { sendBatch: () => Promise.reject(new Error("queue down")) } };
    const { app } = await import("../../src/app");
    const res = await app.fetch(request(), failing);
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("1");
    await problemOf(res);
    expect(await landedFacts()).toEqual([]);
    const retry = await self().fetch(request());
    expect(await retry.json()).toMatchObject({ accepted: 1, duplicates: 0 });
    expect((await waitForLanded(1)).map((f) => f.dedupeKey)).toEqual(["flaky:2"]);
  });

  it("keeps each producer's dedupe space to itself: the same dedupeKey from two producers is two facts", async () => {
    const a = await push({ facts: [priceFact(1, { dedupeKey: "shared-key" })] });
    const b = await push({ facts: [priceFact(1, { dedupeKey: "shared-key" })] }, MARKET_ONLY);
    const [ba, bb] = (await Promise.all([a.json(), b.json()])) as { accepted: number; eventIds: string[] }[];
    expect(ba?.accepted).toBe(1);
    expect(bb?.accepted).toBe(1);
    expect(ba?.eventIds[0]).not.toBe(bb?.eventIds[0]);
    expect((await waitForLanded(2)).map((f) => f.producerId).sort()).toEqual(["dev-market", "dev-producer"]);
  });

  it("answers 429 with Retry-After when the producer is over its rate limit, and enqueues nothing", async () => {
    const { app } = await import("../../src/app");
    // The binding's verdict, injected for this call: the local limiter's window is too wide to exhaust in a test.
    const limited = { ...env, RATE_LIMITER: { limit: async () => ({ success: false }) } };
    const res = await app.fetch(
      new Request("http://fabric/v1/facts", {
        method: "POST",
        headers: PRODUCER,
        body: JSON.stringify({ facts: [priceFact(1)] }),
      }),
      limited,
    );
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBeTruthy();
    await problemOf(res);
    expect(await landedFacts()).toEqual([]);
  });
});
