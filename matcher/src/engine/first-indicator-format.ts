/**
 * The first persisted indicator format, `ind` (shards deployed up to commit efdb1c2), read into
 * today's: a shard saved with it is restored after an upgrade, often once retention has pruned the
 * log that built its states, so the states are read rather than rebuilt from what the log holds.
 *
 * - ema [count, sum, value] and rsi [count, previous sample, gain, loss] are saved exactly as
 *   today, so they load unchanged.
 * - sma and Bollinger were [count, head, ring of N] (a window per state, oldest value at head).
 *   Today's are [count, phase, sum, m2] over one window per series. Converted as a window summed
 *   exactly now (phase 0), they are only a fallback: where the log still holds N samples, replaying
 *   it gives the same values and keeps the re-sum schedule of a series read from its first stored
 *   sample (stream-index.ts sourceOf). The longest ring becomes the series' window.
 *
 * @example firstFormatIndicators([["price", "sma:3", [3, 0, 2, 6, 3]]])
 * // → { states: [], fallbacks: [["price", "sma:3", [3, 0, 11, 0]]], windows: [["price", [2, 6, 3]]] }
 */
export type FirstFormat = {
  states: [field: string, key: string, state: number[]][];
  fallbacks: [field: string, key: string, state: number[]][];
  windows: [field: string, values: number[]][];
};

export function firstFormatIndicators(ind: unknown): FirstFormat {
  const out: FirstFormat = { states: [], fallbacks: [], windows: [] };
  if (!Array.isArray(ind)) return out;
  const windows = new Map<string, number[]>();
  for (const entry of ind as unknown[]) {
    if (!Array.isArray(entry)) continue;
    const [field, key, state] = entry as unknown[];
    if (typeof field !== "string" || typeof key !== "string" || !Array.isArray(state)) continue;
    const [kind, samples] = key.split(":");
    if (kind === "ema" || kind === "rsi") {
      out.states.push([field, key, state as number[]]);
      continue;
    }
    const values = ringValues(state, Number(samples));
    if (!values) continue;
    out.fallbacks.push([field, key, windowedState(state[0] as number, values, kind !== "sma")]);
    if (values.length > (windows.get(field)?.length ?? 0)) windows.set(field, values);
  }
  out.windows = [...windows];
  return out;
}

/** A first-format sma/Bollinger state's window, oldest first (undefined: not that shape). */
function ringValues(state: unknown[], n: number): number[] | undefined {
  if (!Number.isInteger(n) || state.length !== 2 + n || !state.every((x) => typeof x === "number")) return undefined;
  const [count, head, ...ring] = state as number[];
  if (count === undefined || head === undefined || count < 0 || count > n || head < 0 || head >= n) return undefined;
  return count < n ? ring.slice(0, count) : [...ring.slice(head), ...ring.slice(0, head)];
}

/** Today's [count, phase, sum, m2] for a window summed exactly, oldest first (m2 for a band once it is full). */
function windowedState(count: number, values: number[], band: boolean): number[] {
  let sum = 0;
  for (const v of values) sum += v;
  let m2 = 0;
  if (band && values.length > 0 && values.length === count) {
    const mean = sum / values.length;
    for (const v of values) m2 += (v - mean) * (v - mean);
  }
  return [count, 0, sum, m2];
}
