/**
 * Constant-time token comparison. Both sides are hashed first so the comparison never leaks the
 * length of the secret, and then compared byte by byte without an early exit.
 *
 * @example if (!(await tokensEqual(presented, env.ADMIN_AUTH_SECRET_TOKEN))) return 401;
 */
export async function tokensEqual(presented: string, expected: string): Promise<boolean> {
  if (!expected) return false;
  const [a, b] = await Promise.all([tokenDigest(presented), knownDigest(expected)]);
  return digestsEqual(a, b);
}

/** SHA-256 of a token. */
export async function tokenDigest(token: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token)));
}

/**
 * The digest of a configured secret, computed once per isolate: hashing the same secret on every
 * request was two digests per comparison on the push path.
 */
const known = new Map<string, Promise<Uint8Array>>();
export function knownDigest(secret: string): Promise<Uint8Array> {
  let d = known.get(secret);
  if (!d) {
    d = tokenDigest(secret);
    known.set(secret, d);
  }
  return d;
}

/** Two digests compared byte by byte, without an early exit. */
export function digestsEqual(x: Uint8Array, y: Uint8Array): boolean {
  let diff = x.length ^ y.length;
  for (let i = 0; i < x.length; i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

/**
 * HMAC-SHA256 keys, imported once per isolate per secret (like `knownDigest`: configured secrets
 * are few, and importing a key on every request was a Web Crypto call per push).
 */
const hmacKeys = new Map<string, Promise<CryptoKey>>();
function hmacKey(secret: string): Promise<CryptoKey> {
  let k = hmacKeys.get(secret);
  if (!k) {
    const raw = new TextEncoder().encode(secret);
    k = crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
    hmacKeys.set(secret, k);
  }
  return k;
}

/**
 * HMAC-SHA256 of `data` under `secret` (a producer signing a push; tests).
 *
 * @example const mac = await hmacSha256("dev-signing-secret", bytes); // 32 bytes
 */
export async function hmacSha256(secret: string, data: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign("HMAC", await hmacKey(secret), data));
}

/**
 * Does `mac` authenticate `data` under `secret`? Web Crypto's verify recomputes the MAC and compares
 * it in constant time (CRYPTO_memcmp in workerd and in Node), so a wrong MAC's timing does not say
 * how much of it was right.
 *
 * @example if (!(await hmacSha256Verify(secret, payload, presentedMac))) return 401;
 */
export async function hmacSha256Verify(
  secret: string,
  data: Uint8Array<ArrayBuffer>,
  mac: Uint8Array<ArrayBuffer>,
): Promise<boolean> {
  if (!secret) return false;
  return crypto.subtle.verify("HMAC", await hmacKey(secret), mac, data);
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | null | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+(\S{1,512})\s*$/i.exec(header);
  return m?.[1];
}
