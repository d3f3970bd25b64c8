import fc from "fast-check";
import { beforeEach, describe, expect, it } from "vitest";
import { encode } from "../../../shared/src/codec";
import { SIGNATURE_HEADER, signPush, TIMESTAMP_HEADER } from "../../../shared/src/push-signature";
import { clearSink, landedFacts, PRODUCER, priceFact, push, waitForLanded } from "./helpers";

/** The dev producer that signs (vitest.config.ts, ingest/.dev.vars.example). */
const SIGNED = { authorization: "Bearer dev-signed-token", "content-type": "application/json" };
const SECRET = "dev-signing-secret";

type Problem = {
  status: number;
  title: string;
  detail: string;
  reason?: string;
  toleranceSeconds?: number;
  skewSeconds?: number;
  serverTime?: number;
};
type Accepted = { accepted: number; duplicates: number; eventIds: string[] };

async function refusal(res: Response): Promise<Problem> {
  expect(res.status).toBe(401);
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  expect(res.headers.get("www-authenticate")).toMatch(/^Fabric-Signature realm="producers"/);
  return (await res.json()) as Problem;
}

/** A signed push: the body's exact bytes, signed at `nowMs` (default now). */
async function signedPush(body: string | Uint8Array, headers: Record<string, string> = SIGNED, nowMs = Date.now()) {
  return push(body, { ...headers, ...(await signPush(SECRET, body, nowMs)) });
}

describe("POST /v1/facts from a producer that signs", () => {
  beforeEach(clearSink);

  it("accepts a signed JSON push with 202 and enqueues its facts as the signing producer's", async () => {
    const body = JSON.stringify({ facts: [priceFact(1), priceFact(2)] });
    const res = await signedPush(body);
    expect(res.status).toBe(202);
    const out = (await res.json()) as Accepted;
    expect(out).toMatchObject({ accepted: 2, duplicates: 0 });
    const landed = await waitForLanded(2);
    expect(landed.map((f) => [f.eventId, f.producerId])).toEqual(out.eventIds.map((id) => [id, "dev-signed"]));
  });

  it("accepts a signed msgpack push, verified over the msgpack bytes", async () => {
    const bytes = encode({ facts: [priceFact(9)] });
    const res = await signedPush(bytes, { ...SIGNED, "content-type": "application/msgpack" });
    expect(res.status).toBe(202);
    expect((await waitForLanded(1)).map((f) => f.data)).toEqual([{ price: 109 }]);
  });

  it("refuses an unsigned push with 401 signature_missing, while other producers push unsigned as before", async () => {
    const body = JSON.stringify({ facts: [priceFact(1, { dedupeKey: "unsigned-1" })] });
    const refused = await refusal(await push(body, SIGNED));
    expect(refused).toMatchObject({ status: 401, reason: "signature_missing" });
    expect(refused.detail).toBe(
      "producer dev-signed: x-fabric-timestamp and x-fabric-signature are required: this producer signs its pushes",
    );
    expect(await landedFacts()).toEqual([]);

    expect((await push(body, PRODUCER)).status).toBe(202);
    // Signature headers mean nothing to a producer without a secret: they are not checked.
    const withJunk = { ...PRODUCER, [TIMESTAMP_HEADER]: "x", [SIGNATURE_HEADER]: "sha256=00" };
    expect((await push(JSON.stringify({ facts: [priceFact(2)] }), withJunk)).status).toBe(202);
    expect(await waitForLanded(2)).toHaveLength(2);
  });

  it("answers 401 naming each reason, records nothing, and a later good push of the same dedupeKey is accepted", async () => {
    const body = JSON.stringify({ facts: [priceFact(1, { dedupeKey: "signed-refusals" })] });
    const good = await signPush(SECRET, body);
    const now = Date.now();
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ [TIMESTAMP_HEADER]: good[TIMESTAMP_HEADER] }, "signature_missing", /x-fabric-signature is required/],
      [{ [SIGNATURE_HEADER]: good[SIGNATURE_HEADER] }, "signature_missing", /x-fabric-timestamp is required/],
      [{ ...good, [TIMESTAMP_HEADER]: String(now) }, "signature_malformed", /whole seconds.*milliseconds/],
      [{ ...good, [SIGNATURE_HEADER]: good[SIGNATURE_HEADER].slice(7) }, "signature_malformed", /prefix is missing/],
      [await signPush("not-the-dev-signing-secret", body), "signature_mismatch", /does not match/],
      [{ ...good, [TIMESTAMP_HEADER]: String(Number(good[TIMESTAMP_HEADER]) + 1) }, "signature_mismatch", /match/],
    ];
    for (const [headers, reason, detail] of cases) {
      const p = await refusal(await push(body, { ...SIGNED, ...headers }));
      expect(p.reason, JSON.stringify(headers)).toBe(reason);
      expect(p.title).toBe("Missing or invalid push signature");
      expect(p.detail).toMatch(detail);
    }
    // The same signature over a body with one more byte (or re-serialized JSON) does not match.
    const tampered = await refusal(await push(`${body} `, { ...SIGNED, ...good }));
    expect(tampered.reason).toBe("signature_mismatch");
    const reformatted = JSON.stringify(JSON.parse(body), null, 2);
    expect((await refusal(await push(reformatted, { ...SIGNED, ...good }))).reason).toBe("signature_mismatch");

    await new Promise((r) => setTimeout(r, 200));
    expect(await landedFacts()).toEqual([]);
    const res = await push(body, { ...SIGNED, ...good });
    expect(await res.json()).toMatchObject({ accepted: 1, duplicates: 0 });
    expect(await waitForLanded(1)).toHaveLength(1);
  });

  it("answers 401 signature_stale past 5 minutes either way, with the allowed window and the server's time", async () => {
    const body = JSON.stringify({ facts: [priceFact(1)] });
    for (const skewS of [-301, 301, -3600]) {
      const p = await refusal(await signedPush(body, SIGNED, Date.now() + skewS * 1000));
      expect(p).toMatchObject({ reason: "signature_stale", toleranceSeconds: 300 });
      expect(Math.abs((p.skewSeconds ?? 0) - skewS)).toBeLessThanOrEqual(1);
      expect(Math.abs((p.serverTime ?? 0) - Date.now() / 1000)).toBeLessThan(5);
      expect(p.detail).toMatch(skewS < 0 ? /s in the past; it must be within 300 s/ : /s in the future/);
    }
    // Within the window either way is fine.
    expect((await signedPush(body, SIGNED, Date.now() - 290_000)).status).toBe(202);
    expect((await signedPush(JSON.stringify({ facts: [priceFact(2)] }), SIGNED, Date.now() + 290_000)).status).toBe(
      202,
    );
    expect(await waitForLanded(2)).toHaveLength(2);
  });

  it("checks the signature before the content type: unsigned text/plain is a 401, signed text/plain a 415", async () => {
    const body = JSON.stringify({ facts: [priceFact(1)] });
    const plain = { ...SIGNED, "content-type": "text/plain" };
    expect((await refusal(await push(body, plain))).reason).toBe("signature_missing");
    expect((await signedPush(body, plain)).status).toBe(415);
  });

  it("treats a replay of a signed push within the window as a duplicate: same eventIds, enqueued once", async () => {
    const body = JSON.stringify({ facts: [priceFact(1, { dedupeKey: "replayed-1" })] });
    const headers = { ...SIGNED, ...(await signPush(SECRET, body)) };
    const first = (await (await push(body, headers)).json()) as Accepted;
    const replay = await push(body, headers);
    expect(replay.status).toBe(202);
    expect(await replay.json()).toEqual({ accepted: 0, duplicates: 1, eventIds: first.eventIds });
    await new Promise((r) => setTimeout(r, 200));
    expect((await landedFacts()).map((f) => f.eventId)).toEqual(first.eventIds);
  });

  it("answers any other pair of signature headers with 401 problem+json and a reason, and enqueues nothing", async () => {
    const body = JSON.stringify({ facts: [priceFact(1)] });
    const printable = fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c));
    const header = fc.oneof(
      fc.string({ unit: printable, maxLength: 80 }),
      fc
        .string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: 64, maxLength: 64 })
        .map((h) => `sha256=${h}`),
      fc.integer({ min: 0, max: 2 ** 40 }).map(String),
    );
    await fc.assert(
      fc.asyncProperty(header, header, async (timestamp, signature) => {
        const headers: Record<string, string> = { ...SIGNED };
        if (timestamp.trim()) headers[TIMESTAMP_HEADER] = timestamp;
        if (signature.trim()) headers[SIGNATURE_HEADER] = signature;
        const p = await refusal(await push(body, headers));
        expect(p.reason).toMatch(/^signature_(missing|malformed|mismatch|stale)$/);
      }),
      { numRuns: 100 },
    );
    expect(await landedFacts()).toEqual([]);
  });
});
