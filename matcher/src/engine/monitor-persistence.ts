import { CondRt } from "./condition-state";
import type { MonitorRt, Node } from "./monitor-state";

/**
 * A monitor's persisted state, plain JSON and compact (it is written after every batch that
 * touched the monitor): [version, lastTruth (0|1), done (0|1), lastMatchAt | null, then per
 * condition: flags (1 fresh, 2 truth, 4 raw, 8 armed), heldSince | null].
 */
export type MonitorState = (number | null)[];

export function monitorState(m: MonitorRt): MonitorState {
  const buf = new Float64Array(monitorStateLength(m));
  writeMonitorState(m, buf, 0);
  return readMonitorState(buf, 0, buf.length);
}

/** How many numbers a monitor's state has: 4, then 2 per condition. */
export function monitorStateLength(m: MonitorRt): number {
  return 4 + 2 * countConds(m.tree);
}

/** Writes m's state as numbers at `buf[at..]` (NaN for null), without allocating. */
export function writeMonitorState(m: MonitorRt, buf: Float64Array, at: number): void {
  buf[at] = m.version;
  buf[at + 1] = m.lastTruth ? 1 : 0;
  buf[at + 2] = m.done ? 1 : 0;
  buf[at + 3] = m.lastMatchAt ?? Number.NaN;
  writeCondStates(m.tree, buf, at + 4);
}

/** The state `writeMonitorState` wrote at `buf[at..at + len)`. */
export function readMonitorState(buf: Float64Array, at: number, len: number): MonitorState {
  const out: MonitorState = new Array(len);
  for (let i = 0; i < len; i++) {
    const v = buf[at + i] as number;
    // Only lastMatchAt (3) and each heldSince (odd from 5) may be null; NaN stands for it.
    out[i] = Number.isNaN(v) ? null : v;
  }
  return out;
}

function countConds(n: Node): number {
  if (n instanceof CondRt) return 1;
  let k = 0;
  for (const x of n.c) k += countConds(x);
  return k;
}

/** Writes the conditions' states from `at`, left to right; returns where it stopped. */
function writeCondStates(n: Node, buf: Float64Array, at: number): number {
  if (n instanceof CondRt) {
    buf[at] = (n.fresh ? 1 : 0) | (n.truth ? 2 : 0) | (n.raw ? 4 : 0) | (n.armed ? 8 : 0);
    buf[at + 1] = n.heldSince;
    return at + 2;
  }
  let i = at;
  for (const x of n.c) i = writeCondStates(x, buf, i);
  return i;
}

/** Loads a persisted state into a freshly compiled monitor of the same version. */
export function loadMonitorState(m: MonitorRt, state: unknown): void {
  const s = state as MonitorState | undefined;
  const conds = m.conds();
  if (!Array.isArray(s) || s[0] !== m.version || s.length !== 4 + 2 * conds.length) return;
  m.lastTruth = s[1] === 1;
  m.done = s[2] === 1;
  m.lastMatchAt = s[3] ?? null;
  conds.forEach((c, i) => {
    const flags = s[4 + 2 * i] ?? 0;
    c.fresh = (flags & 1) !== 0;
    c.truth = (flags & 2) !== 0;
    c.raw = (flags & 4) !== 0;
    c.armed = (flags & 8) !== 0;
    c.heldSince = s[5 + 2 * i] ?? Number.NaN;
  });
}
