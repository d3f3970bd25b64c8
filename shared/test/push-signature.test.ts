import { execFileSync } from "node:child_process";
import { createHmac } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encode } from "../src/codec";
import {
  SIGNATURE_HEADER,
  SIGNATURE_TOLERANCE_S,
  type SignatureCheck,
  signPush,
  TIMESTAMP_HEADER,
  verifyPushSignature,
} from "../src/push-signature";

const SECRET = "dev-signing-secret";
const NOW = 1_795_341_660_000;
const BODY = new TextEncoder().encode('{"facts":[{"kind":"market_price","data":{"price":1}}]}');

async function verify(
  headers: Record<string, string>,
  opts: { body?: Uint8Array; secret?: string; nowMs?: number } = {},
): Promise<SignatureCheck> {
  return verifyPushSignature({
    timestamp: headers[TIMESTAMP_HEADER],
    signature: headers[SIGNATURE_HEADER],
    body: opts.body ?? BODY,
    secret: opts.secret ?? SECRET,
    nowMs: opts.nowMs ?? NOW,
  });
}

const reasonOf = (c: SignatureCheck) => (c.ok ? "ok" : c.reason);

describe("push signatures", () => {
  it("accepts a push signed with the producer's secret, JSON or msgpack bytes", async () => {
    expect(await verify(await signPush(SECRET, BODY, NOW))).toEqual({ ok: true });
    const msgpack = encode({ facts: [{ kind: "market_price", data: { price: 1 } }] });
    expect(await verify(await signPush(SECRET, msgpack, NOW), { body: msgpack })).toEqual({ ok: true });
  });

  it("signs whole unix seconds as the timestamp", async () => {
    const headers = await signPush(SECRET, BODY, NOW + 999);
    expect(headers[TIMESTAMP_HEADER]).toBe("1795341660");
    expect(headers[SIGNATURE_HEADER]).toMatch(/^sha256=[0-9a-f]{64}$/);
  });

  it("accepts what node:crypto's createHmac makes, as the README shows", async () => {
    const ts = "1795341660";
    const body = new TextDecoder().decode(BODY);
    const sig = createHmac("sha256", SECRET).update(`${ts}.${body}`).digest("hex");
    expect(await verify({ [TIMESTAMP_HEADER]: ts, [SIGNATURE_HEADER]: `sha256=${sig}` })).toEqual({ ok: true });
  });

  it("accepts what the README's openssl one-liner makes", async () => {
    const ts = "1795341660";
    const body = new TextDecoder().decode(BODY);
    const out = execFileSync(
      "bash",
      ["-c", `printf '%s.%s' "$ts" "$body" | openssl dgst -sha256 -hmac "$secret" | awk '{print $NF}'`],
      { env: { ...process.env, ts, body, secret: SECRET }, encoding: "utf8" },
    );
    expect(await verify({ [TIMESTAMP_HEADER]: ts, [SIGNATURE_HEADER]: `sha256=${out.trim()}` })).toEqual({ ok: true });
  });

  it("accepts upper-case hex", async () => {
    const h = await signPush(SECRET, BODY, NOW);
    const upper = `sha256=${(h[SIGNATURE_HEADER] ?? "").slice(7).toUpperCase()}`;
    expect(await verify({ ...h, [SIGNATURE_HEADER]: upper })).toEqual({ ok: true });
  });

  it("refuses a signature made with another secret as a mismatch", async () => {
    const check = await verify(await signPush("another-secret-entirely", BODY, NOW));
    expect(check).toMatchObject({ ok: false, reason: "mismatch" });
    expect(check.ok ? "" : check.detail).toContain("HMAC-SHA256");
  });

  it("refuses a tampered body, one changed byte or one added byte, as a mismatch", async () => {
    const headers = await signPush(SECRET, BODY, NOW);
    const flipped = BODY.slice();
    flipped[flipped.length - 5] = (flipped[flipped.length - 5] ?? 0) ^ 1;
    expect(reasonOf(await verify(headers, { body: flipped }))).toBe("mismatch");
    expect(reasonOf(await verify(headers, { body: new Uint8Array([...BODY, 0x0a]) }))).toBe("mismatch");
    expect(reasonOf(await verify(headers, { body: new Uint8Array() }))).toBe("mismatch");
  });

  it("refuses a timestamp changed after signing as a mismatch (the timestamp is signed)", async () => {
    const headers = await signPush(SECRET, BODY, NOW);
    expect(reasonOf(await verify({ ...headers, [TIMESTAMP_HEADER]: "1795341661" }))).toBe("mismatch");
    expect(reasonOf(await verify({ ...headers, [TIMESTAMP_HEADER]: "01795341660" }))).toBe("mismatch");
  });

  it("accepts up to 5 minutes of skew either way and refuses more as stale, naming the window", async () => {
    const at = (skewS: number) => signPush(SECRET, BODY, NOW + skewS * 1000);
    expect(await verify(await at(-SIGNATURE_TOLERANCE_S))).toEqual({ ok: true });
    expect(await verify(await at(SIGNATURE_TOLERANCE_S))).toEqual({ ok: true });
    const past = await verify(await at(-SIGNATURE_TOLERANCE_S - 1));
    expect(past).toMatchObject({ ok: false, reason: "stale", skewSeconds: -301 });
    expect(past.ok ? "" : past.detail).toBe(
      "x-fabric-timestamp 1795341359 is 301 s in the past; it must be within 300 s of the server's clock (now 1795341660)",
    );
    const future = await verify(await at(SIGNATURE_TOLERANCE_S + 1));
    expect(future).toMatchObject({ ok: false, reason: "stale", skewSeconds: 301 });
    expect(future.ok ? "" : future.detail).toContain("301 s in the future; it must be within 300 s");
  });

  it("says which header is missing", async () => {
    const headers = await signPush(SECRET, BODY, NOW);
    const missing = async (h: Record<string, string>) => {
      const c = await verify(h);
      return c.ok ? "" : `${c.reason}: ${c.detail}`;
    };
    expect(await missing({})).toBe(
      "missing: x-fabric-timestamp and x-fabric-signature are required: this producer signs its pushes",
    );
    expect(await missing({ [TIMESTAMP_HEADER]: headers[TIMESTAMP_HEADER] })).toMatch(
      /^missing: x-fabric-signature is required/,
    );
    expect(await missing({ [SIGNATURE_HEADER]: headers[SIGNATURE_HEADER] })).toMatch(
      /^missing: x-fabric-timestamp is required/,
    );
    expect(await missing({ [TIMESTAMP_HEADER]: "", [SIGNATURE_HEADER]: "" })).toMatch(/^missing: /);
  });

  it("refuses malformed headers as malformed, with a hint for the usual slips", async () => {
    const good = await signPush(SECRET, BODY, NOW);
    const hex = (good[SIGNATURE_HEADER] ?? "").slice(7);
    const cases: [Record<string, string>, RegExp][] = [
      [{ [TIMESTAMP_HEADER]: String(NOW) }, /whole seconds.*looks like milliseconds/],
      [{ [TIMESTAMP_HEADER]: "1795341660.5" }, /whole seconds, e\.g\. 1795341660; got "1795341660.5"$/],
      [{ [TIMESTAMP_HEADER]: "2026-11-22T10:00:00Z" }, /whole seconds/],
      [{ [TIMESTAMP_HEADER]: "-1795341660" }, /whole seconds/],
      [{ [SIGNATURE_HEADER]: hex }, /"sha256=" followed by 64 hex digits \(the "sha256=" prefix is missing\)$/],
      [{ [SIGNATURE_HEADER]: `sha1=${hex.slice(0, 40)}` }, /"sha256=" followed by 64 hex digits$/],
      [{ [SIGNATURE_HEADER]: `sha256=${hex.slice(1)}` }, /64 hex digits/],
      [{ [SIGNATURE_HEADER]: `sha256=${hex}0` }, /64 hex digits/],
      [{ [SIGNATURE_HEADER]: `sha256=${hex.slice(1)}g` }, /64 hex digits/],
      [{ [SIGNATURE_HEADER]: `sha256=${hex},sha256=${hex}` }, /64 hex digits/],
    ];
    for (const [override, detail] of cases) {
      const check = await verify({ ...good, ...override });
      expect(check, JSON.stringify(override)).toMatchObject({ ok: false, reason: "malformed" });
      expect(check.ok ? "" : check.detail).toMatch(detail);
    }
  });

  it("accepts exactly the signed body: any other body or secret is refused (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 256 }),
        fc.uint8Array({ maxLength: 256 }),
        fc.string({ minLength: 16, maxLength: 40 }),
        fc.integer({ min: -400, max: 400 }),
        async (body, other, secret, skewS) => {
          const headers = await signPush(secret, body, NOW + skewS * 1000);
          const check = await verify(headers, { body, secret });
          expect(reasonOf(check)).toBe(Math.abs(skewS) > SIGNATURE_TOLERANCE_S ? "stale" : "ok");
          const same = other.length === body.length && other.every((b, i) => b === body[i]);
          if (!same) expect(reasonOf(await verify(headers, { body: other, secret }))).toBe("mismatch");
          expect(reasonOf(await verify(headers, { body, secret: `${secret}x` }))).toBe("mismatch");
        },
      ),
      { numRuns: 200 },
    );
  });
});
