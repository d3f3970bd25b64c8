/**
 * A stream as one line of block characters, with the match points marked on a second line, so a
 * backtest shows where the monitor fired against the shape of the series.
 *
 * @example sparkline([{ eventId: "a", observedAt: 1, value: 1 }, { eventId: "b", observedAt: 2, value: 3 }], [{ eventId: "b", observedAt: 2 }], 60)
 * // { line: "▁█", marks: " ▲", min: 1, max: 3, marked: [1] }
 */
export type Sample = { eventId: string; observedAt: number; value: number };
export type Mark = { eventId: string; observedAt: number };
export type Sparkline = { line: string; marks: string; min: number; max: number; marked: number[] };

const BLOCKS = "▁▂▃▄▅▆▇█";

/**
 * Samples in event-time order, squeezed into at most `width` columns (a column shows the last
 * sample it holds, as a price chart's close). A mark lands in the column of the sample whose
 * eventId it names, else of the latest sample at or before its time (a match caused by another
 * stream of the predicate).
 */
export function sparkline(samples: readonly Sample[], marks: readonly Mark[], width: number): Sparkline {
  if (samples.length === 0) return { line: "", marks: "", min: Number.NaN, max: Number.NaN, marked: [] };
  const columns = Math.max(1, Math.min(width, samples.length));
  const columnOf = (i: number) => Math.floor((i * columns) / samples.length);
  const last: number[] = [];
  samples.forEach((s, i) => {
    last[columnOf(i)] = s.value;
  });
  const values = samples.map((s) => s.value);
  const min = Math.min(...values);
  const max = Math.max(...values);
  const level = (v: number) => (max === min ? 3 : Math.round(((v - min) / (max - min)) * (BLOCKS.length - 1)));
  const line = last.map((v) => BLOCKS[level(v)]).join("");

  const byEvent = new Map(samples.map((s, i) => [s.eventId, i]));
  const marked = new Set<number>();
  for (const m of marks) {
    let i = byEvent.get(m.eventId);
    if (i === undefined) {
      const before = samples.findLastIndex((s) => s.observedAt <= m.observedAt);
      i = before < 0 ? undefined : before;
    }
    if (i !== undefined) marked.add(columnOf(i));
  }
  const marksLine = Array.from({ length: columns }, (_, c) => (marked.has(c) ? "▲" : " "))
    .join("")
    .trimEnd();
  return { line, marks: marksLine, min, max, marked: [...marked].sort((a, b) => a - b) };
}

/** The line with its marked columns in reverse video, for a terminal. */
export function highlight(s: Sparkline): string {
  const chars = [...s.line];
  for (const c of s.marked) chars[c] = `\u001b[7m${chars[c]}\u001b[27m`;
  return chars.join("");
}

/**
 * The number a predicate's `field` reads from a stored fact: `data[field]`, a candle field of the
 * newest candle, or `metrics.<name>`.
 */
export function fieldValue(data: Record<string, unknown>, field: string): number | undefined {
  let v: unknown = data[field];
  if (v === undefined && Array.isArray(data.candles)) v = (data.candles.at(-1) as Record<string, unknown>)?.[field];
  if (v === undefined && field.startsWith("metrics.")) v = (data.metrics as Record<string, unknown>)?.[field.slice(8)];
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}
