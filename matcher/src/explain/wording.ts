/**
 * How explain writes numbers, times and durations in its reasons: numbers without float noise
 * (0.1 + 0.2 reads 0.3), times in RFC 3339, durations as `24h`, `3m`, `1h30m`, `2.5s`.
 *
 * @example duration(86_400_000) // "24h"
 */
export function num(n: number): string {
  return String(Number(n.toPrecision(12)));
}

export function rfc3339(ms: number): string {
  return new Date(ms).toISOString();
}

export function duration(ms: number): string {
  if (ms === 0) return "0s";
  if (ms < 1000) return `${ms}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  const parts = [h > 0 ? `${h}h` : "", m > 0 ? `${m}m` : "", s > 0 ? `${num(s)}s` : ""];
  return parts.join("");
}
