import type { DedupeResult } from "./dedupe-rules";

/**
 * Which of a push's facts were answered as duplicates although their content differs from the
 * fact recorded under their dedupeKey: a producer reusing a key for new content (e.g. `symbol:minute`
 * with several ticks a minute) loses those facts, and the answer's `conflicts` tells it so. What is
 * recorded does not change (DESIGN §2: dedupe is by key). A recorded fact whose digest is unknown
 * (a ledger row from before digests were kept) is never a conflict.
 *
 * @example findConflicts([{ key: "k", digest: "a" }, { key: "k", digest: "b" }], [undefined, 0], results, ids)
 * // → [{ index: 1, dedupeKey: "k", eventId: ids[1] }]
 */
export type PushConflict = { index: number; dedupeKey: string; eventId: string };

export function findConflicts(
  facts: readonly { key?: string | undefined; digest?: string | undefined }[],
  repeatOf: readonly (number | undefined)[],
  results: readonly DedupeResult[],
  eventIds: readonly string[],
): PushConflict[] {
  const byKey = new Map(results.map((r) => [r.key, r]));
  const conflicts: PushConflict[] = [];
  facts.forEach(({ key, digest }, i) => {
    if (key === undefined || digest === undefined) return;
    const ledger = byKey.get(key);
    const first = repeatOf[i];
    // Recorded content: the ledger's for a key already in, else this request's first occurrence.
    const recorded =
      ledger?.status === "duplicate" ? ledger.recordedDigest : first === undefined ? undefined : facts[first]?.digest;
    const answeredAsDuplicate = ledger?.status === "duplicate" || first !== undefined;
    if (answeredAsDuplicate && recorded !== undefined && recorded !== digest) {
      conflicts.push({ index: i, dedupeKey: key, eventId: eventIds[i] ?? "" });
    }
  });
  return conflicts;
}
