/**
 * The order of monitorIds and stream keys everywhere in the matcher: UTF-16 code-unit order
 * (JavaScript's `<` on strings), not locale order, so every runtime sorts alike. Matches within
 * one fact come out in this order of monitorId (reference.ts states it; the engine and the shard
 * follow it).
 *
 * @example ["b", "B", "a"].sort(byCodeUnits) // ["B", "a", "b"]
 */
export function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
