/**
 * A source's hot state: the numbers a fact reads to decide that it passes none of the source's
 * levels (the common case), kept as a block of BLOCK doubles in its series' buffer next to the
 * series' samples. A fact on a stream then reads one array for all of the stream's sources
 * instead of a dozen objects (a Source, its boxed numbers, the list holding it): on a shard with
 * a thousand streams those objects are cold when the stream's next fact comes, and each distinct
 * cache line the fact touches costs a trip to memory.
 *
 * Offsets within a block:
 */
/** The compared value at the series' newest sample (NaN: no value). */
export const LAST = 0;
/** No threshold or crossing level lies in (GAP_LO, GAP_HI) ∋ LAST; NaN: unknown. */
export const GAP_LO = 1;
export const GAP_HI = 2;
/** Largest re-arm level of the crossings above, smallest of those below (±Infinity: none). */
export const REARM_UP_MAX = 3;
export const REARM_DOWN_MIN = 4;
/** The earliest forMs timer; −Infinity while crossings or first evaluations wait for the next fact. */
export const NEXT_DUE = 5;
/** Absolute index (see Series.dropped) of the window's base at the newest sample; -1: none yet. */
export const BASE_ABS = 6;
/** windowMs, negated for a pct change (0: the raw value). */
export const MODE = 7;
export const BLOCK = 8;

/**
 * The series' own slots before the blocks: the earliest end of a level monitor's cooldown
 * (Infinity: none cooling), read at every fact of a series with level monitors.
 */
export const COOLING_UNTIL = 0;
/** Where the first source's block starts. */
export const FIRST_BLOCK = 1;

/** The MODE value of a source. */
export function modeOf(windowMs: number, pct: boolean): number {
  return pct ? -windowMs : windowMs;
}

/** Writes a new source's block at `o` (its compared value `last` at the newest sample). */
export function initBlock(buf: Float64Array, o: number, mode: number, last: number): void {
  buf[o + LAST] = last;
  buf[o + GAP_LO] = Number.NaN;
  buf[o + GAP_HI] = Number.NaN;
  buf[o + REARM_UP_MAX] = Number.NEGATIVE_INFINITY;
  buf[o + REARM_DOWN_MIN] = Number.POSITIVE_INFINITY;
  buf[o + NEXT_DUE] = Number.POSITIVE_INFINITY;
  buf[o + BASE_ABS] = -1;
  buf[o + MODE] = mode;
}
