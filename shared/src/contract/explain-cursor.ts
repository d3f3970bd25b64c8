/**
 * The explain cursor: opaque to clients, it names the last row of the page it continues after (the
 * eventId of that evaluation). base64url of a small JSON object, so a client cannot mistake it for
 * a time or an eventId and the shape can grow without breaking old cursors' decoding.
 *
 * @example decodeExplainCursor(encodeExplainCursor("01K…")) // { eventId: "01K…" }
 */
export function encodeExplainCursor(eventId: string): string {
  const bytes = new TextEncoder().encode(JSON.stringify({ after: eventId }));
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** The cursor's position, or undefined when it is not a cursor this API wrote. */
export function decodeExplainCursor(cursor: string): { eventId: string } | undefined {
  if (!/^[A-Za-z0-9_-]{1,700}$/.test(cursor)) return undefined;
  try {
    const binary = atob(cursor.replaceAll("-", "+").replaceAll("_", "/"));
    const json: unknown = JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
    if (typeof json !== "object" || json === null) return undefined;
    const after: unknown = (json as { after?: unknown }).after;
    return typeof after === "string" && after.length > 0 ? { eventId: after } : undefined;
  } catch {
    return undefined;
  }
}
