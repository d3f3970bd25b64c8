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

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | null | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+(\S{1,512})\s*$/i.exec(header);
  return m?.[1];
}
