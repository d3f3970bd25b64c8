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
