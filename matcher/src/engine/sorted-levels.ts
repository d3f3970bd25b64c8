const NONE: readonly never[] = Object.freeze([]);

/** Whether key v sorts before the answer of a lowerBound(k, strict) query. */
function before(v: number, k: number, strict: boolean): boolean {
  return v < k || (strict && v === k);
}

/**
 * Sorted threshold levels: parallel arrays of keys (ascending) and items, found by binary search.
 * Insert and remove are a binary search plus one `splice` (a memmove), range queries are
 * O(log n + hits). This is what lets a price move touch only the levels it passed.
 *
 * @example
 * const levels = new SortedLevels<string>();
 * levels.insert(100, "a"); levels.insert(90, "b");
 * levels.forRange(95, 120, (item) => console.log(item)); // "a"
 */
export class SortedLevels<T> {
  readonly keys: number[] = [];
  readonly items: T[] = [];

  get size(): number {
    return this.keys.length;
  }

  /** The last answer of lowerBound: the next query usually lands next to it. */
  private hint = 0;

  /**
   * First index whose key is ≥ k (strict: > k). Gallops from the previous answer before the
   * binary search: a price moves little between facts, so this is a few probes on memory that
   * is already in cache instead of log2(n) probes across a large array.
   */
  lowerBound(k: number, strict = false): number {
    const keys = this.keys;
    const n = keys.length;
    const h = Math.min(this.hint, n);
    let lo: number;
    let hi: number;
    if (h < n && before(keys[h] as number, k, strict)) {
      let last = h;
      let step = 1;
      let probe = h + 1;
      while (probe < n && before(keys[probe] as number, k, strict)) {
        last = probe;
        step *= 2;
        probe = h + step;
      }
      lo = last + 1;
      hi = Math.min(probe, n);
    } else {
      let first = h;
      let step = 1;
      let probe = h - 1;
      while (probe >= 0 && !before(keys[probe] as number, k, strict)) {
        first = probe;
        step *= 2;
        probe = h - step;
      }
      lo = probe < 0 ? 0 : probe + 1;
      hi = first;
    }
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (before(keys[mid] as number, k, strict)) lo = mid + 1;
      else hi = mid;
    }
    this.hint = lo;
    return lo;
  }

  insert(k: number, item: T): void {
    const at = this.lowerBound(k, true);
    if (at === this.keys.length) {
      this.keys.push(k);
      this.items.push(item);
    } else {
      this.keys.splice(at, 0, k);
      this.items.splice(at, 0, item);
    }
  }

  /** Removes one (k, item) entry; false when it is not there. */
  remove(k: number, item: T): boolean {
    const keys = this.keys;
    for (let i = this.lowerBound(k); i < keys.length && keys[i] === k; i++) {
      if (this.items[i] === item) {
        keys.splice(i, 1);
        this.items.splice(i, 1);
        return true;
      }
    }
    return false;
  }

  /** Calls fn for each item whose key is in [lo, hi] (bounds made open by the flags). */
  forRange(lo: number, hi: number, fn: (item: T) => void, loOpen = false, hiOpen = false): void {
    const keys = this.keys;
    const items = this.items;
    for (let i = this.lowerBound(lo, loOpen); i < keys.length; i++) {
      const k = keys[i] as number;
      if (k > hi || (hiOpen && k === hi)) break;
      fn(items[i] as T);
    }
  }

  /** Removes and returns the items with key ≥ k (the suffix). */
  takeFrom(k: number): readonly T[] {
    const at = this.lowerBound(k);
    if (at === this.keys.length) return NONE as readonly T[];
    this.keys.length = at;
    return this.items.splice(at);
  }

  /** Removes and returns the items with key ≤ k (the prefix). */
  takeUpTo(k: number): readonly T[] {
    const at = this.lowerBound(k, true);
    if (at === 0) return NONE as readonly T[];
    this.keys.splice(0, at);
    return this.items.splice(0, at);
  }
}

/**
 * A binary min-heap on a numeric key (timers: forMs deadlines, cooldown expiries).
 *
 * @example const h = new MinHeap<string>(); h.push(5, "x"); h.popUpTo(10); // ["x"]
 */
export class MinHeap<T> {
  private readonly keys: number[] = [];
  private readonly items: T[] = [];

  get size(): number {
    return this.keys.length;
  }

  push(k: number, item: T): void {
    const i = this.keys.length;
    this.keys.push(k);
    this.items.push(item);
    this.place(this.holeUp(i, k), k, item);
  }

  /** The smallest key (Infinity when empty). */
  minKey(): number {
    return this.keys.length > 0 ? (this.keys[0] as number) : Number.POSITIVE_INFINITY;
  }

  /** Removes and returns, in key order, every item with key ≤ k. */
  popUpTo(k: number): T[] {
    const out: T[] = [];
    while (this.keys.length > 0 && (this.keys[0] as number) <= k) out.push(this.pop());
    return out;
  }

  /** Removes one entry of `item` (a linear scan: for small heaps); false when it is not there. */
  remove(item: T): boolean {
    const at = this.items.indexOf(item);
    if (at < 0) return false;
    this.removeAt(at);
    return true;
  }

  private pop(): T {
    const top = this.items[0] as T;
    this.removeAt(0);
    return top;
  }

  /** Fills slot `at` with the last entry, moved down or up to where it belongs. */
  private removeAt(at: number): void {
    const lastK = this.keys.pop() as number;
    const lastI = this.items.pop() as T;
    if (at === this.keys.length) return;
    // Up first: the last entry may be smaller than the removed one's parent.
    const up = this.holeUp(at, lastK);
    this.place(up === at ? this.holeDown(at, lastK) : up, lastK, lastI);
  }

  /** Moves the hole at slot i up past parents with a larger key than k; returns where it stops. */
  private holeUp(i: number, k: number): number {
    const keys = this.keys;
    const items = this.items;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if ((keys[p] as number) <= k) break;
      keys[i] = keys[p] as number;
      items[i] = items[p] as T;
      i = p;
    }
    return i;
  }

  /** Moves the hole at slot i down past children with a smaller key than k; returns where it stops. */
  private holeDown(i: number, k: number): number {
    const keys = this.keys;
    const items = this.items;
    const n = keys.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && (keys[r] as number) < (keys[l] as number) ? r : l;
      if ((keys[c] as number) >= k) break;
      keys[i] = keys[c] as number;
      items[i] = items[c] as T;
      i = c;
    }
    return i;
  }

  private place(i: number, k: number, item: T): void {
    this.keys[i] = k;
    this.items[i] = item;
  }
}
