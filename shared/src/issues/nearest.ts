/**
 * The option a near miss most likely meant: an abbreviation or extension of it (`operator` → `op`,
 * `window` → `windowMs`, `price` → `market_price`), its initials (`greater_than` → `gt`), or one
 * or two edits away for longer words.
 */
export function nearest(word: string, options: string[]): string | undefined {
  const w = word.toLowerCase();
  const words = word.split(/[_\-\s]+|(?=[A-Z])/).filter(Boolean);
  const initials =
    words.length >= 2
      ? words
          .map((x) => x[0])
          .join("")
          .toLowerCase()
      : undefined;
  let best: { option: string; score: number } | undefined;
  for (const option of options) {
    const o = option.toLowerCase();
    let score = Number.POSITIVE_INFINITY;
    if (w.length >= 2 && o.length >= 2 && (o.startsWith(w) || w.startsWith(o) || o.endsWith(w))) score = 0.5;
    if (initials === o && score > 0.75) score = 0.75;
    const d = editDistance(w, o);
    if (d <= Math.max(1, Math.floor(Math.min(w.length, o.length) / 3)) && d < score) score = d;
    if (score < (best?.score ?? Number.POSITIVE_INFINITY)) best = { option, score };
  }
  return best?.option;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(
        (prev[j] ?? 0) + 1,
        (cur[j - 1] ?? 0) + 1,
        (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}
