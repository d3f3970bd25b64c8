/**
 * The pure rule behind the idempotency ledger: given the ledger rows of a request's keys, which
 * keys are new (reserve them), which are duplicates (answer with the original eventId), and
 * whether another in-flight request holds one of them (then reserve nothing and let the caller
 * retry: holding some keys while waiting for others could deadlock two requests).
 *
 * @example decideReservation("req-1", [{ key: "k", eventId: "01J…" }], new Map(), Date.now())
 */
/** `digest`: the content digest of the fact the key stands for (ingest/src/content-digest.ts). */
export type DedupeEntry = { key: string; eventId: string; digest?: string };
export type LedgerRow = {
  dedupe_key: string;
  event_id: string;
  state: "pending" | "committed" | "released";
  request_id: string;
  lease_until: number;
  /** Null for rows written before digests were kept: their content is unknown. */
  content_digest: string | null;
};
/** A duplicate carries the recorded fact's digest when the ledger knows it. */
export type DedupeResult = { key: string; status: "new" | "duplicate"; eventId: string; recordedDigest?: string };
export type DedupeOutcome = { busy: false; results: DedupeResult[] } | { busy: true; results: [] };

export function decideReservation(
  requestId: string,
  entries: DedupeEntry[],
  rows: ReadonlyMap<string, LedgerRow>,
  now: number,
): DedupeOutcome {
  const results: DedupeResult[] = [];
  for (const e of entries) {
    const row = rows.get(e.key);
    if (!row) {
      results.push({ key: e.key, status: "new", eventId: e.eventId });
    } else if (row.state === "committed") {
      const known = row.content_digest ? { recordedDigest: row.content_digest } : {};
      results.push({ key: e.key, status: "duplicate", eventId: row.event_id, ...known });
    } else if (row.state === "released" || row.request_id === requestId || row.lease_until <= now) {
      // A released or expired reservation keeps its eventId: a retry of a push whose enqueue
      // failed half-way then carries the same eventIds, which downstream dedupe recognises.
      results.push({ key: e.key, status: "new", eventId: row.event_id });
    } else {
      return { busy: true, results: [] };
    }
  }
  return { busy: false, results };
}
