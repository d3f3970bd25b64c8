import type { PushConflict } from "../../client/src/index";

/** How many conflicts are printed one per line; the rest are counted. */
const SHOWN = 5;

/**
 * The warning lines for a push's conflicts: facts the fabric answered as duplicates of a fact
 * recorded under the same dedupeKey with different content, so they were not recorded. This is
 * almost always a key that is not unique per fact (`{sym}:{minute}` with several ticks a minute).
 *
 * @example conflictWarnings([{ index: 3, dedupeKey: "BTC:10:01", eventId: "01J…" }], ["p.csv line 5", …])
 */
export function conflictWarnings(conflicts: readonly PushConflict[], wheres: readonly string[]): string {
  if (conflicts.length === 0) return "";
  const lines = conflicts.slice(0, SHOWN).map((c) => {
    const where = wheres[c.index] ? ` (${wheres[c.index]})` : "";
    return `warning: facts.${c.index}${where}: dedupeKey ${JSON.stringify(c.dedupeKey)} was reused with different content; this fact was not recorded (the key's fact is ${c.eventId})\n`;
  });
  const more = conflicts.length - SHOWN;
  if (more > 0) lines.push(`warning: … and ${more} more ${more === 1 ? "fact" : "facts"} like it (--json lists all)\n`);
  lines.push(
    `warning: make dedupeKey unique per fact (e.g. --dedupe-key with a column that differs between facts, such as the full timestamp or a sequence number); ${conflicts.length} ${conflicts.length === 1 ? "fact was" : "facts were"} lost to reused keys\n`,
  );
  return lines.join("");
}
