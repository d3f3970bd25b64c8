import { hmacSha256, hmacSha256Verify } from "./auth";

/**
 * Signed pushes: a producer configured with a signing secret sends, with its bearer token,
 *
 *   x-fabric-timestamp: <unix time in whole seconds, e.g. 1795341660>
 *   x-fabric-signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + raw body bytes)>
 *
 * The timestamp is signed exactly as sent in its header, and the body exactly as its bytes were
 * received (JSON or msgpack), before anything parses it. A timestamp more than 5 minutes from the
 * server's clock, either way, is stale. Pure (Web Crypto only), so it runs in Node and in workerd.
 *
 * @example
 * const headers = await signPush("dev-signing-secret", body); // the two headers, for now
 * const check = await verifyPushSignature({ ...fromHeaders(request.headers), body, secret });
 */
export const TIMESTAMP_HEADER = "x-fabric-timestamp";
export const SIGNATURE_HEADER = "x-fabric-signature";
/** How far a signed timestamp may be from the server's clock, either way (seconds). */
export const SIGNATURE_TOLERANCE_S = 300;

export type SignatureFailureReason = "missing" | "malformed" | "mismatch" | "stale";
export type SignatureFailure = {
  ok: false;
  reason: SignatureFailureReason;
  detail: string;
  /** For a stale timestamp: the timestamp minus the server's clock, in seconds. */
  skewSeconds?: number;
};
export type SignatureCheck = { ok: true } | SignatureFailure;

export type SignedRequest = {
  timestamp: string | null | undefined;
  signature: string | null | undefined;
  body: Uint8Array;
  secret: string;
  /** The server's clock (epoch ms); defaults to now. */
  nowMs?: number;
};

const SIGNATURE = /^sha256=([0-9a-fA-F]{64})$/;
const SECONDS = /^[0-9]{1,11}$/;

/** The bytes that are signed: the timestamp as sent, ".", then the raw body. */
export function signedPayload(timestamp: string, body: Uint8Array): Uint8Array<ArrayBuffer> {
  const prefix = new TextEncoder().encode(`${timestamp}.`);
  const out = new Uint8Array(prefix.byteLength + body.byteLength);
  out.set(prefix, 0);
  out.set(body, prefix.byteLength);
  return out;
}

/** The two headers that sign `body` for a producer holding `secret` (at `nowMs`, default now). */
export async function signPush(
  secret: string,
  body: Uint8Array | string,
  nowMs = Date.now(),
): Promise<Record<typeof TIMESTAMP_HEADER | typeof SIGNATURE_HEADER, string>> {
  const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
  const timestamp = String(Math.floor(nowMs / 1000));
  const mac = await hmacSha256(secret, signedPayload(timestamp, bytes));
  return { [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: `sha256=${toHex(mac)}` };
}

/**
 * Checks a push's signature, in this order: both headers present (missing), each in its format
 * (malformed), the MAC over the exact bytes (mismatch, compared in constant time), then the
 * timestamp's distance from the server's clock (stale). A stale request is one whose signature
 * was right, so that answer points at a clock or a replay, never at the secret.
 */
export async function verifyPushSignature(req: SignedRequest): Promise<SignatureCheck> {
  const { timestamp, signature } = req;
  if (!timestamp || !signature) {
    const absent = [!timestamp && TIMESTAMP_HEADER, !signature && SIGNATURE_HEADER].filter(Boolean);
    const verb = absent.length > 1 ? "are" : "is";
    return fail("missing", `${absent.join(" and ")} ${verb} required: this producer signs its pushes`);
  }
  if (!SECONDS.test(timestamp)) {
    const hint = /^[0-9]{12,14}$/.test(timestamp) ? " (this looks like milliseconds)" : "";
    return fail(
      "malformed",
      `${TIMESTAMP_HEADER} must be unix time in whole seconds, e.g. 1795341660; got "${clip(timestamp)}"${hint}`,
    );
  }
  const hex = SIGNATURE.exec(signature)?.[1];
  if (!hex) {
    const hint = /^[0-9a-fA-F]{64}$/.test(signature) ? ' (the "sha256=" prefix is missing)' : "";
    return fail("malformed", `${SIGNATURE_HEADER} must be "sha256=" followed by 64 hex digits${hint}`);
  }
  if (!(await hmacSha256Verify(req.secret, signedPayload(timestamp, req.body), fromHex(hex)))) {
    return fail(
      "mismatch",
      `${SIGNATURE_HEADER} does not match: sign "<${TIMESTAMP_HEADER}>.<the exact body bytes>" with HMAC-SHA256 and this producer's signing secret`,
    );
  }
  const nowS = (req.nowMs ?? Date.now()) / 1000;
  const skew = Number(timestamp) - nowS;
  if (Math.abs(skew) > SIGNATURE_TOLERANCE_S) {
    const s = Math.round(Math.abs(skew));
    const when = skew < 0 ? `${s} s in the past` : `${s} s in the future`;
    return {
      ...fail(
        "stale",
        `${TIMESTAMP_HEADER} ${timestamp} is ${when}; it must be within ${SIGNATURE_TOLERANCE_S} s of the server's clock (now ${Math.floor(nowS)})`,
      ),
      skewSeconds: Math.round(skew),
    };
  }
  return { ok: true };
}

function fail(reason: SignatureFailureReason, detail: string): SignatureFailure {
  return { ok: false, reason, detail };
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function fromHex(hex: string): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}
