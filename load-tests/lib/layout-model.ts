import { BETWEEN, DOWN, GT, GTE, LT, LTE, OP_CODES, OUTSIDE, UP } from "../../matcher/src/engine/condition-state";
import { byCodeUnits } from "../../matcher/src/engine/reference";
import { MinHeap } from "../../matcher/src/engine/sorted-levels";
import { type MatchCore, matchCoreOf } from "../../matcher/src/engine/types";
import type { AcceptedFact } from "../../shared/src/facts";
import type { MonitorDefinition } from "../../shared/src/monitor";
import type { Condition } from "../../shared/src/predicate";
import { streamKey } from "../../shared/src/streams";

// A monitor's row: [flags, lastMatchAt (NaN: none), cooldownMs, version].
const STRIDE = 4;
const LEVEL = 1;
const ONCE = 2;
const DONE = 4;
const LAST_TRUTH = 8;
const COND0 = 16;
const COND1 = 32;
const TWO_CONDS = 64;
const DIRTY = 128;
const QUEUED = 256;
const IN_HEAP = 512;
/** The workload's `change` conditions are all % over 60 s: one window per stream suffices here. */
const CHANGE_WINDOW_MS = 60_000;

type Column = Float64Array | Int32Array | Uint8Array;

function grown<T extends Column>(x: T, size: number): T {
  const y = new (x.constructor as new (n: number) => T)(size);
  y.set(x);
  return y;
}

/** One source's levels, sorted by key, each entry's condition stored beside it. */
class Levels {
  size = 0;
  keys = new Float64Array(4);
  op = new Uint8Array(4);
  a = new Float64Array(4);
  b = new Float64Array(4);
  monitor = new Int32Array(4);
  cond = new Uint8Array(4);
  /** The compared value at the last fact (NaN: none) and the level-free gap around it. */
  last = Number.NaN;
  gapLo = Number.NaN;
  gapHi = Number.NaN;
  private hint = 0;
  /** (monitor, cond) pairs of crossings true at the last value only. */
  crossed: number[] = [];

  add(key: number, op: number, a: number, b: number, monitor: number, cond: number): void {
    if (this.size === this.keys.length) {
      const n = 2 * this.size;
      this.keys = grown(this.keys, n);
      this.op = grown(this.op, n);
      this.a = grown(this.a, n);
      this.b = grown(this.b, n);
      this.monitor = grown(this.monitor, n);
      this.cond = grown(this.cond, n);
    }
    const i = this.size++;
    this.keys[i] = key;
    this.op[i] = op;
    this.a[i] = a;
    this.b[i] = b;
    this.monitor[i] = monitor;
    this.cond[i] = cond;
  }

  /** Sorts the entries by key once they are all added. */
  sort(): void {
    const order = Array.from({ length: this.size }, (_, i) => i).sort(
      (x, y) => (this.keys[x] as number) - (this.keys[y] as number),
    );
    const permuted = <T extends Column>(x: T): T => {
      const y = x.slice() as T;
      order.forEach((from, to) => {
        y[to] = x[from] as number;
      });
      return y;
    };
    this.keys = permuted(this.keys);
    this.op = permuted(this.op);
    this.a = permuted(this.a);
    this.b = permuted(this.b);
    this.monitor = permuted(this.monitor);
    this.cond = permuted(this.cond);
  }

  /** First index with key ≥ k, galloping from the previous answer (prices move little). */
  lowerBound(k: number): number {
    const keys = this.keys;
    const n = this.size;
    let lo = Math.min(this.hint, n);
    let hi = lo;
    let step = 1;
    if (lo < n && (keys[lo] as number) < k) {
      while (hi < n && (keys[hi] as number) < k) {
        lo = hi + 1;
        hi += step;
        step *= 2;
      }
      hi = Math.min(hi, n);
    } else {
      while (lo > 0 && (keys[lo - 1] as number) >= k) {
        hi = lo - 1;
        lo = Math.max(0, lo - step);
        step *= 2;
      }
    }
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((keys[mid] as number) < k) lo = mid + 1;
      else hi = mid;
    }
    this.hint = lo;
    return lo;
  }
}

/** A stream: its raw levels, its change-over-60-s levels and ring, and its level monitors' heap. */
class Stream {
  raw = new Levels();
  change: Levels | undefined = undefined;
  private ring = new Float64Array(512);
  private head = 0;
  private count = 0;
  latest = Number.NEGATIVE_INFINITY;
  /** Level monitors with a true predicate, keyed by the end of their cooldown (the engine's heap). */
  readonly due = new MinHeap<number>();
  levelDueAt = Number.POSITIVE_INFINITY;

  /** Adds a sample and returns the % change over the window (NaN: no base yet). */
  changeAt(now: number, value: number): number {
    const slots = this.ring.length >> 1;
    if (this.count === slots) {
      const ring = new Float64Array(this.ring.length * 2);
      for (let i = 0; i < this.count; i++) {
        const from = ((this.head + i) % slots) << 1;
        ring[2 * i] = this.ring[from] as number;
        ring[2 * i + 1] = this.ring[from + 1] as number;
      }
      this.ring = ring;
      this.head = 0;
    }
    const cap = this.ring.length >> 1;
    const at = ((this.head + this.count) % cap) << 1;
    this.ring[at] = now;
    this.ring[at + 1] = value;
    this.count++;
    while (this.count > 1 && (this.ring[((this.head + 1) % cap) << 1] as number) <= now - CHANGE_WINDOW_MS) {
      this.head = (this.head + 1) % cap;
      this.count--;
    }
    const baseT = this.ring[this.head << 1] as number;
    const baseV = this.ring[(this.head << 1) + 1] as number;
    return baseT <= now - CHANGE_WINDOW_MS && baseV !== 0 ? (100 * (value - baseV)) / baseV : Number.NaN;
  }
}

const NOTHING: { matches: readonly MatchCore[] } = Object.freeze({ matches: Object.freeze([]) });

/**
 * A model of the matcher with its state in typed arrays instead of objects, to measure what that
 * layout could buy before anyone rewrites the engine for it (`npm run bench:layout-model`). It is
 * NOT an engine: it runs bench:matcher's workload only (each monitor reads one stream; at most two
 * conditions, all-of), treats `forMs` conditions as plain thresholds and ignores hysteresis. It
 * keeps what costs memory reads: levels sorted per source with each condition's operator,
 * operands and monitor stored beside its key; one row of numbers per monitor (flags, last match,
 * cooldown, version); level monitors in a heap per stream keyed by the end of their cooldown;
 * matches allocated as the engine allocates them; a checkpoint that reads every changed monitor.
 *
 * @example const m = new LayoutModel(); m.add(def); m.finish(); m.applyFact(fact).matches
 */
export class LayoutModel {
  private rows = new Float64Array(1024 * STRIDE);
  private readonly ids: string[] = [];
  private count = 0;
  private readonly streams = new Map<string, Stream>();
  private dirty: number[] = [];
  private readonly queue: number[] = [];

  private stream(key: string): Stream {
    let s = this.streams.get(key);
    if (!s) {
      s = new Stream();
      this.streams.set(key, s);
    }
    return s;
  }

  add(def: MonitorDefinition): void {
    const m = this.count++;
    if ((m + 1) * STRIDE > this.rows.length) this.rows = grown(this.rows, this.rows.length * 2);
    const p = def.predicate;
    const conds = ("all" in p ? p.all : [p]) as Condition[];
    const fire = def.fire ?? { mode: "edge", cooldownMs: 0, once: false };
    const o = m * STRIDE;
    this.rows[o] = (fire.mode === "level" ? LEVEL : 0) | (fire.once ? ONCE : 0) | (conds.length > 1 ? TWO_CONDS : 0);
    this.rows[o + 1] = Number.NaN;
    this.rows[o + 2] = fire.cooldownMs ?? 0;
    this.rows[o + 3] = def.version;
    this.ids[m] = def.monitorId;
    conds.forEach((c, ci) => {
      const s = this.stream(streamKey(c.stream));
      if (c.change && (c.change.windowMs !== CHANGE_WINDOW_MS || c.change.mode !== "pct")) {
        throw new Error("the model has one change window: pct over 60 s");
      }
      if (c.change && !s.change) s.change = new Levels();
      const levels = c.change ? (s.change as Levels) : s.raw;
      const op = OP_CODES[c.op];
      if (op === undefined || op === OP_CODES.eq || op === OP_CODES.neq) throw new Error(`the model has no ${c.op}`);
      const [a, b] = Array.isArray(c.value) ? c.value : [c.value, 0];
      levels.add(a, op, a, b, m, ci);
      if (op === BETWEEN || op === OUTSIDE) levels.add(b, op, a, b, m, ci);
    });
  }

  /** Sorts every source's levels (call once, after the monitors are added). */
  finish(): void {
    for (const s of this.streams.values()) {
      s.raw.sort();
      s.change?.sort();
    }
  }

  applyFact(fact: AcceptedFact): { matches: readonly MatchCore[] } {
    const s = this.stream(fact.streamKey);
    const now = fact.observedAt;
    if (now < s.latest) return NOTHING;
    s.latest = now;
    const price = (fact.data as { price: number }).price;
    this.step(s.raw, price);
    if (s.change) this.step(s.change, s.changeAt(now, price));
    const rows = this.rows;
    if (now >= s.levelDueAt) {
      for (const m of s.due.popUpTo(now)) {
        this.enqueue(m);
        s.due.push(now + (rows[m * STRIDE + 2] as number), m);
      }
      s.levelDueAt = s.due.minKey();
    }
    let fired: number[] | undefined;
    for (const m of this.queue) {
      if (!this.evaluate(m, s, now)) continue;
      if (fired) fired.push(m);
      else fired = [m];
    }
    this.queue.length = 0;
    if (!fired) return NOTHING;
    const ids = this.ids;
    if (fired.length > 1) fired.sort((x, y) => byCodeUnits(ids[x] as string, ids[y] as string));
    return {
      matches: fired.map((m) => matchCoreOf(ids[m] as string, rows[m * STRIDE + 3] as number, fact)),
    };
  }

  /** The changed monitors' states (the engine's shape), as a checkpoint reads them. */
  takeDirty(): { monitors: [string, (number | null)[]][]; streams: [string, { latest: number }][] } {
    const rows = this.rows;
    const monitors: [string, (number | null)[]][] = [];
    for (const m of this.dirty) {
      const o = m * STRIDE;
      const flags = (rows[o] as number) & ~DIRTY;
      rows[o] = flags;
      const last = rows[o + 1] as number;
      monitors.push([
        this.ids[m] as string,
        [
          rows[o + 3] as number,
          flags & LAST_TRUTH ? 1 : 0,
          flags & DONE ? 1 : 0,
          Number.isNaN(last) ? null : last,
          flags,
        ],
      ]);
    }
    this.dirty = [];
    return { monitors, streams: [...this.streams].map(([k, s]) => [k, { latest: s.latest }]) };
  }

  private enqueue(m: number): void {
    const o = m * STRIDE;
    const flags = this.rows[o] as number;
    if (flags & QUEUED) return;
    this.rows[o] = flags | QUEUED;
    this.queue.push(m);
  }

  private setCond(m: number, cond: number, truth: boolean): void {
    const o = m * STRIDE;
    const flags = this.rows[o] as number;
    const bit = cond === 0 ? COND0 : COND1;
    const next = truth ? flags | bit : flags & ~bit;
    if (next === flags) return;
    this.rows[o] = next;
    this.enqueue(m);
  }

  /** The source moves to `cur`: crossings of the last value end, levels passed are rechecked. */
  private step(levels: Levels, cur: number): void {
    const prev = levels.last;
    levels.last = cur;
    const crossed = levels.crossed;
    for (let i = 0; i < crossed.length; i += 2) this.setCond(crossed[i] as number, crossed[i + 1] as number, false);
    crossed.length = 0;
    if (Number.isNaN(cur)) return;
    if (Number.isNaN(prev)) {
      for (let i = 0; i < levels.size; i++) this.recheck(levels, i, cur, prev);
    } else if (!(cur > levels.gapLo && cur < levels.gapHi)) {
      const hi = Math.max(prev, cur);
      const keys = levels.keys;
      for (let i = levels.lowerBound(Math.min(prev, cur)); i < levels.size && (keys[i] as number) <= hi; i++) {
        this.recheck(levels, i, cur, prev);
      }
    } else return;
    const j = levels.lowerBound(cur);
    levels.gapHi = j < levels.size ? (levels.keys[j] as number) : Number.POSITIVE_INFINITY;
    levels.gapLo = j > 0 ? (levels.keys[j - 1] as number) : Number.NEGATIVE_INFINITY;
    if (levels.gapHi === cur) levels.gapLo = levels.gapHi = Number.NaN;
  }

  private recheck(levels: Levels, i: number, d: number, prev: number): void {
    const a = levels.a[i] as number;
    const b = levels.b[i] as number;
    const m = levels.monitor[i] as number;
    const cond = levels.cond[i] as number;
    const op = levels.op[i] as number;
    if (op === UP || op === DOWN) {
      if (op === UP ? prev <= a && d > a : prev >= a && d < a) {
        levels.crossed.push(m, cond);
        this.setCond(m, cond, true);
      }
      return;
    }
    let truth: boolean;
    if (op === GT) truth = d > a;
    else if (op === GTE) truth = d >= a;
    else if (op === LT) truth = d < a;
    else if (op === LTE) truth = d <= a;
    else if (op === BETWEEN) truth = a <= d && d <= b;
    else truth = d < a || d > b;
    this.setCond(m, cond, truth);
  }

  private evaluate(m: number, s: Stream, now: number): boolean {
    const rows = this.rows;
    const o = m * STRIDE;
    let flags = (rows[o] as number) & ~QUEUED;
    if (!(flags & DIRTY)) {
      flags |= DIRTY;
      this.dirty.push(m);
    }
    if (flags & DONE) {
      rows[o] = flags;
      return false;
    }
    const truth = flags & TWO_CONDS ? (flags & (COND0 | COND1)) === (COND0 | COND1) : (flags & COND0) !== 0;
    const last = rows[o + 1] as number;
    const readyAt = Number.isNaN(last) ? Number.NEGATIVE_INFINITY : last + (rows[o + 2] as number);
    const level = (flags & LEVEL) !== 0;
    const fires = truth && (level || !(flags & LAST_TRUTH)) && now >= readyAt;
    flags = truth ? flags | LAST_TRUTH : flags & ~LAST_TRUTH;
    if (fires) {
      rows[o + 1] = now;
      if (flags & ONCE) flags |= DONE;
    }
    // A level monitor reads one stream here (the workload's do): the fact's.
    if (level && truth && !(flags & IN_HEAP)) {
      flags |= IN_HEAP;
      s.due.push(fires ? now + (rows[o + 2] as number) : readyAt, m);
      s.levelDueAt = s.due.minKey();
    } else if (level && !truth && flags & IN_HEAP) {
      flags &= ~IN_HEAP;
      s.due.remove(m);
      s.levelDueAt = s.due.minKey();
    }
    rows[o] = flags;
    return fires;
  }
}
