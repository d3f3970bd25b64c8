/**
 * How a shard picks a page of its streams from the two places its log names them (the checkpoint
 * segments and the facts logged since the checkpoint), as pure functions over ascending key lists:
 * merged without repeats, kept by the caller's test, stopped one past the page.
 *
 * @example firstKept(unionSorted(["a", "c"], ["b", "c"]), (k) => k !== "b", 1) // { keys: ["a"], more: true }
 */

/** Two ascending key sequences as one ascending sequence, each key once; read lazily. */
export function* unionSorted(a: Iterable<string>, b: Iterable<string>): Generator<string> {
  const left = a[Symbol.iterator]();
  const right = b[Symbol.iterator]();
  let x = left.next();
  let y = right.next();
  while (!x.done || !y.done) {
    if (y.done || (!x.done && x.value < y.value)) {
      yield x.value;
      x = left.next();
    } else if (x.done || y.value < x.value) {
      yield y.value;
      y = right.next();
    } else {
      yield x.value;
      x = left.next();
      y = right.next();
    }
  }
}

/** The first `limit` keys `keep` accepts, and whether one more follows (keys past that are never read). */
export function firstKept(
  keys: Iterable<string>,
  keep: (key: string) => boolean,
  limit: number,
): { keys: string[]; more: boolean } {
  const out: string[] = [];
  for (const key of keys) {
    if (!keep(key)) continue;
    if (out.length === limit) return { keys: out, more: true };
    out.push(key);
  }
  return { keys: out, more: false };
}
