import type { AcceptedFact } from "../../../shared/src/facts";
import { isOperand } from "../../../shared/src/predicate";
import { streamKey as streamKeyOf } from "../../../shared/src/streams";
import { factFields } from "../engine/fact-fields";
import type { MonitorStep } from "../engine/reference-observer";
import type { Leaf } from "./leaves";
import { num, rfc3339 } from "./wording";

/**
 * What an explain page says beside its rows, for the reasons no row can carry: a stream with no
 * stored fact, a field its facts never carry, facts skipped as stale (they evaluate nothing, so
 * they have no row), and a threshold never reached (how close it came). Gathered fact by fact as
 * the replay runs, and carried over a page break with the replay, so page 2 still knows page 1.
 *
 * @example const notes = new ExplainNotes(leaves); notes.see(fact); notes.observe(step, true); notes.write(true)
 */
export class ExplainNotes {
  private readonly streams = new Map<string, StreamSeen>();
  private readonly closest = new Map<number, Closest>();
  private readonly everTrue = new Set<number>();

  constructor(private readonly leaves: readonly Leaf[]) {}

  /** A fact fed to the replay (before the evaluator applies it): counted, and checked for staleness. */
  see(fact: AcceptedFact): void {
    let s = this.streams.get(fact.streamKey);
    if (!s) {
      s = { facts: 0, latest: fact.observedAt, fields: new Set(), stale: [] };
      this.streams.set(fact.streamKey, s);
    }
    s.facts++;
    for (const [field] of factFields(fact)) s.fields.add(field);
    // The reference's rule: older than the stream's latest applied fact is stale; equal is applied.
    if (fact.observedAt < s.latest) {
      s.stale.push({ eventId: fact.eventId, observedAt: fact.observedAt, latest: s.latest });
      return;
    }
    s.latest = fact.observedAt;
  }

  /** An evaluation of the monitor; `inRange` when it is one of the rows the caller asked for. */
  observe(step: MonitorStep, inRange: boolean): void {
    if (!inRange) return;
    for (const c of step.conditions) {
      if (c.truth) this.everTrue.add(c.index);
      const leaf = this.leaves[c.index];
      if (!leaf || c.current === undefined || !closeness(leaf)) continue;
      const best = this.closest.get(c.index);
      const higher = closeness(leaf) === "highest";
      if (!best || (higher ? c.current > best.value : c.current < best.value))
        this.closest.set(c.index, { value: c.current, observedAt: step.fact.observedAt });
    }
  }

  /** The notes; `complete` when the replay read every stored fact (no page after this one). */
  write(complete: boolean): string[] {
    const notes: string[] = [];
    const keys = new Set<string>();
    for (const leaf of this.leaves) {
      const c = leaf.cond;
      const key = streamKeyOf(c.stream);
      const name = leaf.path === "" ? "the condition" : leaf.path;
      const s = this.streams.get(key);
      if (!s && complete) {
        notes.push(
          `${name} reads ${key}, which has no stored fact: it was never evaluated. Check the subject against the streams the fabric holds: ${streamSearchHint(c.stream.kind, c.stream.subject)} (or the console's Streams page).`,
        );
      } else if (s && complete && !s.fields.has(c.field)) {
        notes.push(
          `${name} reads field "${c.field}" of ${key}, but none of its ${s.facts} stored facts carries it (they carry ${[...s.fields].sort().join(", ")}): it was never evaluated.`,
        );
      }
      const best = this.closest.get(leaf.index);
      // Only a level the values never reached: past it, the reason is elsewhere (a for-timer, an edge).
      if (best && !this.everTrue.has(leaf.index) && typeof c.value === "number" && !reaches(leaf, best.value)) {
        const word = closeness(leaf) === "highest" ? "highest" : "lowest";
        notes.push(
          `${name} was never true here: its ${word} value was ${num(best.value)} at ${rfc3339(best.observedAt)}, ${num(Math.abs(c.value - best.value))} from ${num(c.value)}.`,
        );
      }
      if (s && s.stale.length > 0 && !keys.has(key)) notes.push(staleNote(key, s.stale));
      keys.add(key);
    }
    return notes;
  }
}

type StreamSeen = { facts: number; latest: number; fields: Set<string>; stale: StaleFact[] };
type StaleFact = { eventId: string; observedAt: number; latest: number };
type Closest = { value: number; observedAt: number };

const SHOWN_STALE = 3;

/**
 * The command that lists streams of this kind like the subject: a typo (BTCUSD for BTC-USD) keeps
 * its first letters, so the search is the first subject value's first three letters or digits.
 */
function streamSearchHint(kind: string, subject: Record<string, unknown>): string {
  const first = String(Object.values(subject)[0] ?? "");
  const q = first.replace(/[^\p{L}\p{N}]/gu, "").slice(0, 3);
  return `fabric streams ls --kind ${kind}${q ? ` --q ${q}` : ""}`;
}

function staleNote(key: string, stale: readonly StaleFact[]): string {
  const shown = stale
    .slice(0, SHOWN_STALE)
    .map((f) => `${f.eventId} (observed ${rfc3339(f.observedAt)}, after one observed ${rfc3339(f.latest)})`);
  const more = stale.length > SHOWN_STALE ? `, and ${stale.length - SHOWN_STALE} more` : "";
  return `${stale.length} fact(s) of ${key} arrived older than the stream's latest and were stale: logged but never applied, so they evaluated nothing and have no row: ${shown.join(", ")}${more}.`;
}

/** Whether a value is past the level in the condition's direction (so it was not the level that failed). */
function reaches(leaf: Leaf, value: number): boolean {
  const level = leaf.cond.value as number;
  const op = leaf.cond.op;
  if (op === "gte" || op === "lte") return op === "gte" ? value >= level : value <= level;
  return closeness(leaf) === "highest" ? value > level : value < level;
}

/** Which way a plain threshold is approached: the highest value for `> L`, the lowest for `< L`. */
function closeness(leaf: Leaf): "highest" | "lowest" | undefined {
  const c = leaf.cond;
  if (typeof c.value !== "number" || isOperand(c.value) || c.change || c.indicator) return undefined;
  if (c.op === "gt" || c.op === "gte" || c.op === "crosses_above") return "highest";
  if (c.op === "lt" || c.op === "lte" || c.op === "crosses_below") return "lowest";
  return undefined;
}
