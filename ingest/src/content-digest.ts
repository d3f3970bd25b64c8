import type { Fact } from "../../shared/src/facts";

/**
 * A stable digest of a validated fact's content (kind, subject, observedAt, data), stored with its
 * dedupeKey in the ledger so a later fact under the same key can be told apart: same key, other
 * content is a producer's key bug (a conflict), not a retry. Keys are sorted so the order a
 * producer wrote them in does not matter; observedAt is already epoch ms, so "…Z" and ms agree.
 * 128 bits of SHA-256 (Web Crypto, native in workerd) keep the ledger rows small; a collision
 * would only hide a conflict warning, never change what is recorded.
 *
 * @example await contentDigest(fact) // "9f86d081884c7d659a2feaa0c55ad015"
 */
export async function contentDigest(fact: Fact): Promise<string> {
  const canonical = canonicalJson({
    kind: fact.kind,
    subject: fact.subject,
    observedAt: fact.observedAt,
    data: fact.data,
  });
  const hash = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(canonical));
  return [...new Uint8Array(hash, 0, 16)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** JSON with every object's keys sorted, recursively. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
