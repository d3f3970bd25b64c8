/**
 * Durations as people write them: `"500ms"`, `"30s"`, `"5m"`, `"24h"`, `"7d"`, `"1w"`, or integer
 * milliseconds.
 *
 * @example toMs("5m") // 300000
 */
export type DurationUnit = "ms" | "s" | "m" | "h" | "d" | "w";
export type Duration = number | `${number}${DurationUnit}`;

const UNIT_MS: Record<DurationUnit, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};
const PATTERN = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/;

export function toMs(d: Duration): number {
  if (typeof d === "number") {
    if (!Number.isInteger(d) || d < 0) throw new RangeError(`a duration in ms must be a whole number ≥ 0; got ${d}`);
    return d;
  }
  const m = PATTERN.exec(d);
  if (!m) throw new RangeError(`expected a duration such as "500ms", "30s", "5m", "24h" or "7d"; got "${d}"`);
  const ms = Number(m[1]) * UNIT_MS[m[2] as DurationUnit];
  if (!Number.isInteger(ms)) throw new RangeError(`"${d}" is not a whole number of milliseconds`);
  return ms;
}
