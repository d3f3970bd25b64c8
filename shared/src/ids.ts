import { monotonicFactory } from "ulid";

/**
 * ULID ids: sortable by time, monotonic within one isolate (ids minted in the same millisecond
 * still sort in minting order).
 *
 * @example const eventId = newId(); // "01JD…"
 */
const next = monotonicFactory();

export function newId(now: number = Date.now()): string {
  return next(now);
}

/**
 * A deterministic id from parts: the same inputs always give the same id, so a retried or
 * redelivered step names the same thing twice instead of two things (matchIds, instance ids).
 *
 * @example deterministicId("m", monitorId, version, eventId) // "m_3f9a…"
 */
export async function deterministicId(prefix: string, ...parts: (string | number)[]): Promise<string> {
  const bytes = new TextEncoder().encode(parts.map(String).join("\u001f"));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  let hex = "";
  for (let i = 0; i < 16; i++) hex += (digest[i] ?? 0).toString(16).padStart(2, "0");
  return `${prefix}_${hex}`;
}

/** The deterministic matchId of DESIGN §4: one causing fact, one monitor version, one match. */
export function matchIdOf(monitorId: string, version: number, eventId: string): string {
  // Readable and collision-free: monitorIds cannot contain "~" (MonitorIdSchema).
  return `${monitorId}~${version}~${eventId}`;
}

/**
 * The monitor and version a matchIdOf-form matchId was made by, or null when it is not of that
 * form: seed 000's notify routes take any matchId an outside caller chooses, and such a match names
 * no version to compare.
 *
 * @example matchIdParts("btc-100k~3~01J…") // { monitorId: "btc-100k", version: 3 }
 */
export function matchIdParts(matchId: string): { monitorId: string; version: number } | null {
  const [monitorId, version, eventId, ...rest] = matchId.split("~");
  if (!monitorId || !eventId || rest.length > 0 || !/^[1-9][0-9]{0,15}$/.test(version ?? "")) return null;
  return { monitorId, version: Number(version) };
}

/** The version a matchId of `monitorId` names (matchIdParts), or null. */
export function matchVersionOf(matchId: string, monitorId: string): number | null {
  const parts = matchIdParts(matchId);
  return parts?.monitorId === monitorId ? parts.version : null;
}

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/**
 * A ULID (the eventId format) that is a pure function of its inputs: the time part from `timeMs`,
 * the 80 random bits from a SHA-256 of `parts`. Used for domain events emitted at an at-least-once
 * boundary (a match delivered twice publishes the same trigger_matched eventId, a retried tick the
 * same tick_executed), which the projector then drops by eventId.
 *
 * @example await deterministicUlid(match.observedAt, "trigger_matched", match.matchId) // "01KDY…"
 */
export async function deterministicUlid(timeMs: number, ...parts: (string | number)[]): Promise<string> {
  let time = "";
  let t = Math.max(0, Math.min(Math.floor(timeMs), 2 ** 48 - 1));
  for (let i = 0; i < 10; i++) {
    time = (CROCKFORD[t % 32] ?? "0") + time;
    t = Math.floor(t / 32);
  }
  const bytes = new TextEncoder().encode(parts.map(String).join("\u001f"));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  // 16 base32 characters = 80 bits, five bits at a time from the digest.
  let random = "";
  for (let i = 0; i < 16; i++) {
    const bit = i * 5;
    const byte = bit >> 3;
    const word = ((digest[byte] ?? 0) << 8) | (digest[byte + 1] ?? 0);
    random += CROCKFORD[(word >> (11 - (bit & 7))) & 31];
  }
  return time + random;
}
